import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ConnectClient } from '../connect/index.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import type { SharedState } from './shared-state/types.js';

/** How long a successful readiness check is reused. */
export const READY_TTL_MS = 30_000;
/** How long a failed readiness check is reused, so a Connect outage is noticed soon after. */
export const NOT_READY_TTL_MS = 5_000;

type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Checks that Connect is reachable with the gateway's key by reading the first configured
 * report's content item and then its job list. The job list needs collaborator rights, as
 * rendering does, so a key that may only view the report fails the check. Results are cached,
 * and concurrent checks share one probe.
 */
export class ReadinessProbe {
  private cached: { result: Readiness; expiresAtMs: number } | undefined;
  private pending: Promise<Readiness> | undefined;

  constructor(
    private readonly client: ConnectClient,
    private readonly report: { name: string; guid: string },
    private readonly logger: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  check(): Promise<Readiness> {
    if (this.cached !== undefined && this.now() < this.cached.expiresAtMs) {
      return Promise.resolve(this.cached.result);
    }
    this.pending ??= this.probe().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async probe(): Promise<Readiness> {
    let result: Readiness;
    let action = 'check readiness by reading the content item';
    try {
      await this.client.getContent(this.report.guid);
      action = 'check readiness by reading the job list';
      await this.client.listJobs(this.report.guid);
      result = { ready: true };
    } catch (error) {
      logConnectFailure(this.logger, error, this.report.name, action);
      // The gateway's error messages name the report and Connect's status, never the key.
      result = { ready: false, reason: toGatewayError(error, this.report.name).message };
    }
    const ttl = result.ready ? READY_TTL_MS : NOT_READY_TTL_MS;
    this.cached = { result, expiresAtMs: this.now() + ttl };
    return result;
  }
}

/**
 * Checks Connect once through `probe` and logs the result. When Connect cannot be reached or
 * rejects the key, the warning names the reason and `server`, the address in CONNECT_SERVER.
 * The gateway keeps running either way, so it recovers once Connect or the key is fixed.
 * Never rejects.
 */
export async function logConnectCheck(
  probe: ReadinessProbe,
  server: string,
  logger: FastifyBaseLogger,
): Promise<void> {
  const result = await probe.check();
  if (result.ready) {
    logger.info('Connect accepts the API key and lets it read the first report');
    return;
  }
  logger.warn(
    { reason: result.reason, connectServer: server },
    'Connect check at start failed; check CONNECT_SERVER and CONNECT_API_KEY. Requests that ' +
      'need Connect fail until this is fixed, and /readyz reports it',
  );
}

/**
 * Registers `GET /healthz`, which returns 200 while the process runs, and `GET /readyz`, which
 * returns 200 when Connect is reachable with the key and the shared state responds, and 503
 * with the reasons otherwise.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  probe: ReadinessProbe,
  shared: Pick<SharedState, 'check'>,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [readiness, sharedProblem] = await Promise.all([probe.check(), shared.check()]);
    const reasons = [
      ...(readiness.ready ? [] : [readiness.reason]),
      ...(sharedProblem === null ? [] : [sharedProblem]),
    ];
    if (reasons.length === 0) {
      return { status: 'ok' };
    }
    return reply.code(503).send({ status: 'unavailable', reason: reasons.join(' ') });
  });
}
