import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, RenderStarted } from '../connect/index.js';
import type { ReportConfig } from './config.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { followRender, type FollowOutcome, type FollowTiming } from './follow-render.js';
import { createHandle } from './handles.js';
import type { ReportCatalog } from './report-catalog.js';
import { RenderRecord } from './render-record.js';

/** How long a finished render stays readable by its handle. */
export const FINISHED_RENDER_TTL_MS = 10 * 60_000;

export interface RefreshResult {
  record: RenderRecord;
  /** True when the request joined a render that was already running or starting. */
  joined: boolean;
}

export interface RenderRegistryOptions {
  client: ConnectClient;
  catalog: ReportCatalog;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes; stops every follower. */
  signal: AbortSignal;
  timing: FollowTiming;
}

/**
 * Starts renders, at most one at a time per report, and maps handles to their records.
 * Requests that arrive while a render is starting or running join it.
 */
export class RenderRegistry {
  private readonly byHandle = new Map<string, RenderRecord>();
  private readonly runningByReport = new Map<string, RenderRecord>();
  /** Renders whose start request to Connect is still in flight, by report name. */
  private readonly startingByReport = new Map<string, Promise<RenderRecord>>();
  private readonly expiryTimers = new Set<NodeJS.Timeout>();
  private readonly followers = new Set<Promise<void>>();

  constructor(private readonly options: RenderRegistryOptions) {}

  /**
   * Starts a render of the report, or joins the one that is running or starting. Resolves
   * once Connect accepted the render, never waiting for it to finish. Rejects with a
   * GatewayHttpError when Connect rejects the render or fails.
   */
  async refresh(name: string, report: ReportConfig): Promise<RefreshResult> {
    const running = this.runningByReport.get(name);
    if (running !== undefined) {
      return { record: running, joined: true };
    }
    const starting = this.startingByReport.get(name);
    if (starting !== undefined) {
      return { record: await starting, joined: true };
    }

    const start = this.start(name, report);
    this.startingByReport.set(name, start);
    try {
      return { record: await start, joined: false };
    } finally {
      this.startingByReport.delete(name);
    }
  }

  /** Returns the render of that handle, unless it expired or was never issued. */
  find(handle: string): RenderRecord | undefined {
    return this.byHandle.get(handle);
  }

  /** Returns the running render of the report, if any. */
  runningRender(name: string): RenderRecord | undefined {
    return this.runningByReport.get(name);
  }

  /** Clears expiry timers and waits for the followers, which stop once `signal` aborted. */
  async close(): Promise<void> {
    for (const timer of this.expiryTimers) {
      clearTimeout(timer);
    }
    this.expiryTimers.clear();
    await Promise.all(this.followers);
  }

  private async start(name: string, report: ReportConfig): Promise<RenderRecord> {
    const { client, catalog, logger, signal } = this.options;
    const startedAt = new Date();
    catalog.preloadLastRenderedAt(name);

    let started: RenderStarted;
    try {
      started = await client.render(report.guid, { signal });
    } catch (error) {
      logConnectFailure(logger, error, name, 'start a render');
      throw toGatewayError(error, name);
    }

    const record = new RenderRecord(createHandle(), name, startedAt);
    this.byHandle.set(record.handle, record);
    this.runningByReport.set(name, record);
    logger.info(
      { report: name, handle: record.handle, taskId: started.taskId, route: started.route },
      'Render started',
    );
    this.follow(record, started);
    return record;
  }

  private follow(record: RenderRecord, started: RenderStarted): void {
    const { client, logger, signal, timing } = this.options;
    const context = { client, logger: logger.child({ report: record.reportName }), signal, timing };
    const follower = followRender(record, started, context).then((outcome) => {
      this.finish(record, outcome);
    });
    this.followers.add(follower);
    void follower.finally(() => this.followers.delete(follower));
  }

  private finish(record: RenderRecord, outcome: FollowOutcome): void {
    if (outcome.kind === 'aborted') {
      return;
    }
    const { catalog, logger } = this.options;
    const name = record.reportName;
    const finishedAt = new Date();
    if (this.runningByReport.get(name) === record) {
      this.runningByReport.delete(name);
    }

    // The catalog learns first, so a request woken by the record reads the new time.
    if (outcome.kind === 'succeeded') {
      catalog.recordSuccess(name, record.startedAt, finishedAt);
      record.succeed(finishedAt);
      logger.info({ report: name, handle: record.handle }, 'Render succeeded');
    } else {
      catalog.recordFailure(name);
      record.fail(outcome.reason, finishedAt);
      logger.warn({ report: name, handle: record.handle, reason: outcome.reason }, 'Render failed');
    }
    this.scheduleExpiry(record);
  }

  private scheduleExpiry(record: RenderRecord): void {
    const timer = setTimeout(() => {
      this.byHandle.delete(record.handle);
      this.expiryTimers.delete(timer);
    }, FINISHED_RENDER_TTL_MS);
    timer.unref();
    this.expiryTimers.add(timer);
  }
}
