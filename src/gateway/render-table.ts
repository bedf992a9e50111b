import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient } from '../connect/index.js';
import { auditRenderFinished } from './audit.js';
import type { ReportConfig } from './config.js';
import type { FollowContext, FollowOutcome, FollowTiming } from './follow-render.js';
import type { RenderFactory } from './render-factory.js';
import type { RenderRecord } from './render-record.js';
import type { ReportCatalog } from './report-catalog.js';

/** How long a finished render stays in memory; later its handle is looked up on Connect. */
export const FINISHED_RENDER_TTL_MS = 10 * 60_000;

export interface RenderTableOptions {
  client: ConnectClient;
  catalog: ReportCatalog;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes; stops every follower. */
  signal: AbortSignal;
  timing: FollowTiming;
  factory: RenderFactory;
}

/**
 * The renders in memory: records by render id, the running render of each report, and one
 * follower per running render. A record may have several render ids when older handles led
 * to it. Finished records are dropped FINISHED_RENDER_TTL_MS after they ended.
 */
export class RenderTable {
  private readonly byRenderId = new Map<string, RenderRecord>();
  private readonly runningByReport = new Map<string, RenderRecord>();
  private readonly expiryTimers = new Set<NodeJS.Timeout>();
  private readonly followers = new Set<Promise<void>>();

  constructor(private readonly options: RenderTableOptions) {}

  find(renderId: string): RenderRecord | undefined {
    return this.byRenderId.get(renderId);
  }

  /** Makes `renderId`, the id of an older handle, lead to `record`. */
  alias(renderId: string, record: RenderRecord): void {
    this.byRenderId.set(renderId, record);
  }

  /** Returns the running render of the report, if any. */
  running(name: string): RenderRecord | undefined {
    return this.runningByReport.get(name);
  }

  /**
   * Adds a running record as its report's running render, and follows it with `run` until
   * the render ends or the gateway closes.
   */
  follow(
    record: RenderRecord,
    report: ReportConfig,
    run: (context: FollowContext) => Promise<FollowOutcome>,
  ): void {
    this.byRenderId.set(record.renderId, record);
    this.runningByReport.set(record.reportName, record);
    const { client, logger, signal, timing } = this.options;
    const context = { client, logger: logger.child({ report: record.reportName }), signal, timing };
    const follower = run(context).then((outcome) => {
      this.finish(record, report, outcome);
    });
    this.followers.add(follower);
    void follower.finally(() => this.followers.delete(follower));
  }

  /** Adds a record that is already finished. */
  addFinished(record: RenderRecord): void {
    this.byRenderId.set(record.renderId, record);
    this.scheduleExpiry(record);
  }

  /** Clears expiry timers and waits for the followers, which stop once `signal` aborted. */
  async close(): Promise<void> {
    for (const timer of this.expiryTimers) {
      clearTimeout(timer);
    }
    this.expiryTimers.clear();
    await Promise.all(this.followers);
  }

  private finish(record: RenderRecord, report: ReportConfig, outcome: FollowOutcome): void {
    if (outcome.kind === 'aborted') {
      return;
    }
    const { catalog, factory, logger } = this.options;
    const name = record.reportName;
    const finishedAt = outcome.finishedAt ?? new Date();
    if (this.runningByReport.get(name) === record) {
      this.runningByReport.delete(name);
    }

    // The catalog learns first, so a request woken by the record reads the new time.
    let reason: string | null = null;
    if (outcome.kind === 'succeeded') {
      catalog.recordSuccess(name, record.startedAt, finishedAt);
      record.succeed(finishedAt);
    } else {
      catalog.recordFailure(name);
      reason = factory.describeFailure(name, report, outcome.reason);
      record.fail(reason, finishedAt);
    }
    auditRenderFinished(logger, {
      report: name,
      state: outcome.kind,
      durationMs: finishedAt.getTime() - record.startedAt.getTime(),
      startedBy: record.startedBy,
      reason,
    });
    this.scheduleExpiry(record);
  }

  /** Forgets every render id of a finished record after FINISHED_RENDER_TTL_MS. */
  private scheduleExpiry(record: RenderRecord): void {
    const timer = setTimeout(() => {
      for (const [renderId, candidate] of this.byRenderId) {
        if (candidate === record) {
          this.byRenderId.delete(renderId);
        }
      }
      this.expiryTimers.delete(timer);
    }, FINISHED_RENDER_TTL_MS);
    timer.unref();
    this.expiryTimers.add(timer);
  }
}
