import type { FastifyBaseLogger } from 'fastify';
import { ConnectApiError, isInactiveJob, type ConnectClient } from '../connect/index.js';
import type { CancelResult } from '../protocol/index.js';
import { auditCancel, type CancelOutcome } from './audit.js';
import { CancelOrder } from './cancel-order.js';
import type { ReportConfig } from './config.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { GatewayHttpError } from './errors.js';
import { pause, type FollowTiming } from './follow-render.js';
import type { HandleSigner } from './handles.js';
import type { RenderGroup } from './render-group.js';
import { activeRenderJob, CLOCK_SKEW_TOLERANCE_MS, type RenderJobLister } from './render-jobs.js';
import type { RenderRecord } from './render-record.js';
import type { RenderTable } from './render-table.js';
import type { ReportCatalog } from './report-catalog.js';
import { unknownRender } from './request-input.js';

/** Connect's code for "The requested method or endpoint is not supported". */
const UNSUPPORTED_ENDPOINT_CODE = 2;

/** The sender of a cancel request, for the audit log. */
export interface CancelRequest {
  /** Identity label such as "user alice". */
  who: string;
  /** Logger of the request, so audit lines carry its request id; default the canceller's. */
  log?: FastifyBaseLogger;
}

/**
 * Kill orders of renders that another replica owns: stored in the shared state around the
 * order to Connect, so that the owner ends the render as `cancelled` too.
 */
export interface SharedCancelOrders {
  /** Stores the order before it is sent; resolves also when that fails. */
  announceCancel(group: RenderGroup, order: CancelOrder): Promise<void>;
  /** Removes the stored order after Connect did not register it; never rejects. */
  withdrawCancel(group: RenderGroup): Promise<void>;
}

export interface RenderCancellerOptions {
  client: ConnectClient;
  catalog: ReportCatalog;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal: AbortSignal;
  timing: FollowTiming;
  handles: HandleSigner;
  jobs: RenderJobLister;
  renders: RenderTable;
  /** Returns the render that a handle names, as RenderRegistry.resolve does. */
  resolve(handle: string): Promise<RenderRecord | undefined>;
  /** Kill orders shared with other replicas. Without it, orders stay on this replica. */
  sharedOrders?: SharedCancelOrders;
}

/**
 * Ends running renders on a report owner's request: it finds the render's Connect job and
 * orders Connect to kill it (`DELETE /v1/content/{guid}/jobs/{key}`). The render's follower
 * then ends the render as `cancelled` (see outcomeAfterCancel). One order per render serves
 * every cancel request that arrives while it is under way. Callers check the access lists
 * first, because this class makes Connect calls.
 */
export class RenderCanceller {
  constructor(private readonly options: RenderCancellerOptions) {}

  /**
   * Cancels the render that the handle names, writes the request's audit line, and returns the
   * render's state after waiting up to `timing.cancelWaitMs` for its end. A render that had
   * ended already returns that end without a Connect call. Rejects with a GatewayHttpError:
   * 404 `unknown_render`, or an error of Connect.
   */
  async cancel(handle: string, request: CancelRequest): Promise<CancelResult> {
    const log = request.log ?? this.options.logger;
    const report = this.options.handles.verify(handle)?.report ?? '';
    const audit = { report, who: request.who };
    let record: RenderRecord | undefined;
    try {
      record = await this.options.resolve(handle);
      if (record === undefined) {
        throw unknownRender();
      }
      const outcome = await this.order(record, request.who);
      auditCancel(log, { ...audit, outcome, handleId: record.renderId });
    } catch (error) {
      const code = error instanceof GatewayHttpError ? error.code : 'internal_error';
      auditCancel(log, { ...audit, outcome: 'refused', code, handleId: record?.renderId });
      throw error;
    }

    await this.waitForEnd(record);
    return {
      handle,
      state: record.state,
      finished_at: record.finishedAt?.toISOString() ?? null,
      error: record.error,
      server_time: new Date().toISOString(),
    };
  }

  /** Sends the kill order of a running render, or joins the one under way. */
  private async order(record: RenderRecord, who: string): Promise<CancelOutcome> {
    const group = record.isRunning ? this.options.renders.runningGroupOf(record) : undefined;
    if (group === undefined) {
      return 'ended';
    }
    const current = group.cancelOrder;
    if (current !== null && current.open) {
      await current.settled;
      if (current.phase === 'registered') {
        return 'joined';
      }
      if (current.phase === 'inactive' || !record.isRunning) {
        return 'ended';
      }
      // The order failed or found no job, so this request tries once more.
      return this.order(record, who);
    }

    const order = new CancelOrder(who);
    group.cancelOrder = order;
    const { name, report } = group.primary;
    const jobKey = record.jobKey ?? (await this.findJob(group, record));
    if (jobKey === null) {
      if (!order.abandon() || !record.isRunning) {
        return 'ended';
      }
      group.cancelOrder = null;
      throw noRenderJob(name);
    }
    if (!order.send(jobKey)) {
      return 'ended';
    }
    return this.sendOrder(group, order, name, report);
  }

  private async sendOrder(
    group: RenderGroup,
    order: CancelOrder,
    name: string,
    report: ReportConfig,
  ): Promise<CancelOutcome> {
    const { client, logger, signal } = this.options;
    const jobKey = order.jobKey!;
    const { sharedOrders } = this.options;
    await sharedOrders?.announceCancel(group, order);
    try {
      await client.killJob(report.guid, jobKey, signal);
    } catch (error) {
      await sharedOrders?.withdrawCancel(group);
      if (isInactiveJob(error) || isUnknownJob(error)) {
        order.settle('inactive');
        logger.info({ report: name, jobKey }, 'The render job had ended before the kill order');
        return 'ended';
      }
      order.settle('failed');
      group.cancelOrder = null;
      logConnectFailure(logger, error, name, 'end a render job');
      throw isMissingRoute(error) ? noKillRoute(name) : toGatewayError(error, name);
    }
    order.settle('registered');
    logger.info(
      { report: name, handle_id: group.primary.record.renderId, jobKey, by: order.by },
      'Connect registered the order to end the render job',
    );
    return 'ordered';
  }

  /**
   * Returns the key of the render's active job from the job list, looking again every
   * `timing.jobLookupPauseMs` up to `timing.cancelWaitMs`, because Connect may list the job a
   * moment after the render started. Returns null when none shows or the render ended first.
   */
  private async findJob(group: RenderGroup, record: RenderRecord): Promise<string | null> {
    const { jobs, timing, signal, catalog } = this.options;
    const { name, report } = group.primary;
    const fromMs = record.startedAt.getTime() - CLOCK_SKEW_TOLERANCE_MS;
    const deadline = Date.now() + timing.cancelWaitMs;
    // Only the render's own variant: another variant of the content may render meanwhile.
    const belongs = await catalog.variantJobFilter(name, group.variant);
    while (record.isRunning && !signal.aborted) {
      const listed = await jobs.list(name, report, 'look up the render job to end');
      const active = activeRenderJob(listed.filter(belongs));
      if (active !== undefined && Date.parse(active.start_time ?? '') >= fromMs) {
        return active.key;
      }
      const pauseMs = Math.min(timing.jobLookupPauseMs, deadline - Date.now());
      if (pauseMs <= 0) {
        break;
      }
      await this.waitForEnd(record, pauseMs);
    }
    return null;
  }

  /** Waits until the render ends, `timeoutMs` passes or the gateway closes. */
  private async waitForEnd(record: RenderRecord, timeoutMs = this.options.timing.cancelWaitMs) {
    const stop = new AbortController();
    const onClose = () => stop.abort();
    this.options.signal.addEventListener('abort', onClose, { once: true });
    try {
      await Promise.race([record.waitForEnd(stop.signal), pause(timeoutMs, stop.signal)]);
    } finally {
      stop.abort();
      this.options.signal.removeEventListener('abort', onClose);
    }
  }
}

/** True for a 404 with a Connect error code other than 2 (no such route): the job is gone. */
function isUnknownJob(error: unknown): boolean {
  return error instanceof ConnectApiError && error.status === 404 && error.code !== null &&
    error.code !== UNSUPPORTED_ENDPOINT_CODE;
}

/** True for a 404 that means the server has no such route, as isJobListMissing decides. */
function isMissingRoute(error: unknown): boolean {
  return error instanceof ConnectApiError && error.status === 404 &&
    (error.code === null || error.code === UNSUPPORTED_ENDPOINT_CODE);
}

function noRenderJob(name: string): GatewayHttpError {
  return new GatewayHttpError(
    502,
    'connect_error',
    `Connect lists no active render job for the running render of report ${name}, so the ` +
      'gateway cannot end it; try again in a few seconds.',
  );
}

function noKillRoute(name: string): GatewayHttpError {
  return new GatewayHttpError(
    502,
    'connect_error',
    'Connect has no route to end render jobs (DELETE /v1/content/{guid}/jobs/{key}), so the ' +
      `render of report ${name} cannot be cancelled; upgrade Connect to cancel renders.`,
  );
}
