import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RefreshAccepted, RenderProgress, ReportStatus } from '../protocol/index.js';
import { mayCancel } from './auth/authorize.js';
import type { Identity } from './auth/identity.js';
import type { ReportConfig } from './config.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { GatewayHttpError } from './errors.js';
import type { HandleSigner } from './handles.js';
import type { RenderRecord } from './render-record.js';
import type { RenderRegistry } from './render-registry.js';
import type { ReportCatalog } from './report-catalog.js';
import { CANCEL_ROUTE, REFRESH_ROUTE, type RequestGate } from './request-gate.js';
import {
  checkCancelBody,
  checkRefreshBody,
  parseProgressQuery,
  unknownRender,
  unknownReport,
} from './request-input.js';

export interface RouteContext {
  catalog: ReportCatalog;
  renders: RenderRegistry;
  /** Verifies handles, so a progress request is authorized before any Connect call. */
  handles: HandleSigner;
  gate: RequestGate;
  /** Aborts when the gateway closes; releases held requests. */
  closeSignal: AbortSignal;
  /** Maximum number of progress requests held at once; more get 429. */
  maxHeldRequests: number;
}

/**
 * Registers the protocol's four routes. The request gate's hooks authenticate, rate-limit and
 * authorize each request before its handler runs, or for a handle, before any Connect call.
 */
export function registerRoutes(app: FastifyInstance, context: RouteContext): void {
  const { catalog, renders, gate } = context;

  app.get<{ Params: { name: string } }>(
    '/v1/reports/:name',
    { onRequest: gate.reportHook('read') },
    async (request) => reportStatus(context, request.params.name, request.identity, request.log),
  );

  app.post<{ Params: { name: string } }>(
    REFRESH_ROUTE,
    { onRequest: gate.reportHook('refresh') },
    async (request, reply) => {
      checkRefreshBody(request.body);
      const name = request.params.name;
      const report = findReport(catalog, name);

      let refreshed;
      try {
        refreshed = await renders.refresh(name, report, {
          who: gate.who(request),
          log: request.log,
        });
      } catch (error) {
        // The registry writes the audit line of its own refusals and failures.
        gate.markAudited(error);
        throw error;
      }
      const body: RefreshAccepted = { ...refreshed.record.summary(), joined: refreshed.joined };
      return reply.code(202).send(body);
    },
  );

  const heldRequests = { count: 0 };
  app.get<{ Params: { handle: string } }>(
    '/v1/renders/:handle',
    { onRequest: gate.admitHook('read') },
    async (request, reply) => {
      const { after, wait } = parseProgressQuery(request.query);
      const handle = request.params.handle;
      // The handle names its report, so reading is authorized before the registry may ask
      // Connect about a render it does not hold in memory.
      const claims = context.handles.verify(handle);
      if (claims === null || catalog.find(claims.report) === undefined) {
        throw unknownRender();
      }
      gate.authorizeReport(request, claims.report, 'read');
      const record = await renders.resolve(handle);
      if (record === undefined) {
        throw unknownRender();
      }
      return renderProgress(context, heldRequests, { record, handle, after, wait, reply });
    },
  );

  app.post<{ Params: { handle: string } }>(
    CANCEL_ROUTE,
    { onRequest: gate.admitHook('cancel') },
    async (request) => {
      checkCancelBody(request.body);
      const handle = request.params.handle;
      const claims = context.handles.verify(handle);
      if (claims === null || catalog.find(claims.report) === undefined) {
        throw unknownRender();
      }
      // Both lists apply, so that a cancel also shows no more than the caller may read.
      gate.authorizeReport(request, claims.report, 'read');
      gate.authorizeReport(request, claims.report, 'cancel');
      try {
        return await renders.cancel(handle, { who: gate.who(request), log: request.log });
      } catch (error) {
        // The registry writes the audit line of its own refusals and failures.
        gate.markAudited(error);
        throw error;
      }
    },
  );
}

interface ProgressRequest {
  record: RenderRecord;
  handle: string;
  after: number;
  wait: number;
  reply: FastifyReply;
}

/** Returns a render's progress, holding the request first while `wait` allows it. */
async function renderProgress(
  context: RouteContext,
  heldRequests: { count: number },
  { record, handle, after, wait, reply }: ProgressRequest,
): Promise<RenderProgress> {
  if (after > record.visibleLineCount) {
    throw new GatewayHttpError(
      400,
      'invalid_request',
      `Query parameter after is ${after}, but the render has produced ` +
        `${record.visibleLineCount} lines so far; pass the next value of the previous response.`,
    );
  }

  if (wait > 0 && record.isRunning && record.visibleLineCount <= after) {
    if (heldRequests.count >= context.maxHeldRequests) {
      throw new GatewayHttpError(
        429,
        'rate_limited',
        'Too many progress requests are waiting; retry after a second.',
        { 'retry-after': '1' },
      );
    }
    heldRequests.count += 1;
    try {
      const reason = await holdUntilProgress(record, after, wait, reply, context.closeSignal);
      reply.request.log.debug({ handle, reason }, 'Released a held progress request');
    } finally {
      heldRequests.count -= 1;
    }
  }

  const lastRenderedAt = await context.catalog.knownLastRenderedAt(record.reportName);
  return record.progress(handle, after, lastRenderedAt);
}

function findReport(catalog: ReportCatalog, name: string): ReportConfig {
  const report = catalog.find(name);
  if (report === undefined) {
    throw unknownReport(name);
  }
  return report;
}

async function reportStatus(
  context: RouteContext,
  name: string,
  identity: Identity | null,
  log: FastifyInstance['log'],
): Promise<ReportStatus> {
  const { catalog, renders } = context;
  let title: string;
  let lastRenderedAt: string | null;
  try {
    [title, lastRenderedAt] = await Promise.all([
      catalog.title(name),
      catalog.lastRenderedAt(name),
    ]);
  } catch (error) {
    logConnectFailure(log, error, name, 'read the last-rendered time');
    throw toGatewayError(error, name);
  }

  // First, because it may read the job list that the durations then take from the cache.
  const running = await renders.statusRender(name);
  return {
    name,
    title,
    last_rendered_at: lastRenderedAt,
    render: running === undefined ? null : running.summary(),
    recent_durations: catalog.recentDurations(name),
    can_cancel: mayCancel(identity, findReport(catalog, name)),
    server_time: new Date().toISOString(),
  };
}

/** Reason a held progress request ended. */
type ReleaseReason = 'progress' | 'timeout' | 'client_gone' | 'closing';

/**
 * Holds a progress request until the render changes state or has lines beyond `after`, the
 * wait is over, the client disconnects, or the gateway closes.
 */
async function holdUntilProgress(
  record: RenderRecord,
  after: number,
  waitSeconds: number,
  reply: FastifyReply,
  closeSignal: AbortSignal,
): Promise<ReleaseReason> {
  const release = new AbortController();
  let reason: ReleaseReason = 'progress';
  const releaseFor = (releaseReason: ReleaseReason) => () => {
    reason = releaseReason;
    release.abort();
  };
  const timer = setTimeout(releaseFor('timeout'), waitSeconds * 1000);
  const onClientGone = releaseFor('client_gone');
  const onClosing = releaseFor('closing');
  reply.raw.once('close', onClientGone);
  closeSignal.addEventListener('abort', onClosing, { once: true });
  try {
    if (closeSignal.aborted) {
      return 'closing';
    }
    await record.waitForProgress(after, release.signal);
    return reason;
  } finally {
    clearTimeout(timer);
    reply.raw.off('close', onClientGone);
    closeSignal.removeEventListener('abort', onClosing);
  }
}
