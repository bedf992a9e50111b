import type { FastifyBaseLogger } from 'fastify';
import { GatewayHttpError } from './errors.js';
import { ThrottledWarning } from './shared-state/throttled-warning.js';

/** Seconds that a refresh rejected for an unreachable shared state is asked to wait. */
export const SHARED_STATE_RETRY_AFTER_S = 5;

/**
 * Runs the render registry's calls to the shared state, with the failure rule of each kind:
 * refreshes fail closed, reads go on without the shared state.
 */
export class SharedCalls {
  private readonly readWarning: ThrottledWarning;

  constructor(private readonly logger: FastifyBaseLogger) {
    this.readWarning = new ThrottledWarning(
      logger,
      'Reading the shared state failed, so this replica looks for renders on Connect only',
    );
  }

  /**
   * Runs a shared-state call of a refresh of report `name`. Its failure rejects the refresh
   * with 503 `shared_state_unavailable`, because no render may start without its claim.
   */
  async write<T>(name: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logger.warn(
        { report: name, reason: (error as Error).message },
        'Rejected a refresh because the shared state failed',
      );
      throw new GatewayHttpError(
        503,
        'shared_state_unavailable',
        'The gateway cannot reach the shared state that its replicas use to start one render ' +
          `at a time, so it does not start report ${name}; try again in ` +
          `${SHARED_STATE_RETRY_AFTER_S} seconds.`,
        { 'retry-after': String(SHARED_STATE_RETRY_AFTER_S) },
      );
    }
  }

  /**
   * Runs a shared-state call of a read of report `name`. Its failure is logged (at most once a
   * minute) and returns undefined, so that reads go on with what Connect and this replica know.
   */
  async read<T>(name: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      this.readWarning.warn({ report: name, reason: (error as Error).message });
      return undefined;
    }
  }
}
