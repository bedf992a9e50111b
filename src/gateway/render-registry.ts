import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job, RenderStarted } from '../connect/index.js';
import { auditRefresh, auditRenderFinished } from './audit.js';
import type { ReportConfig } from './config.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { checkCooldown } from './cooldown.js';
import { GatewayHttpError } from './errors.js';
import { followJob } from './follow-job.js';
import {
  followRender,
  summarizeReason,
  type FollowOutcome,
  type FollowTiming,
} from './follow-render.js';
import { createRenderId, type HandleClaims, type HandleSigner } from './handles.js';
import { Redactor } from './redaction.js';
import {
  activeRenderJob,
  endedJobOutcome,
  jobStartedAt,
  newestEndedRenderJobSince,
} from './render-jobs.js';
import { RenderLog } from './render-log.js';
import { RenderRecord } from './render-record.js';
import type { ReportCatalog } from './report-catalog.js';

/** How long a finished render stays in memory; later its handle is looked up on Connect. */
export const FINISHED_RENDER_TTL_MS = 10 * 60_000;

export interface RefreshResult {
  record: RenderRecord;
  /** True when the request joined a render that was already running or starting. */
  joined: boolean;
}

/** Who asks for a refresh, for the audit log. */
export interface RefreshRequest {
  /** Identity label such as "user alice", or the client address. */
  who: string;
  /** Logger of the request, so audit lines carry its request id; default the registry's. */
  log?: FastifyBaseLogger;
}

export interface RenderRegistryOptions {
  client: ConnectClient;
  catalog: ReportCatalog;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes; stops every follower. */
  signal: AbortSignal;
  timing: FollowTiming;
  handles: HandleSigner;
  /** Values that redaction removes from exposed lines and reasons, such as the API key. */
  secrets: readonly string[];
}

/**
 * Starts renders, at most one at a time per report, and resolves handles to their records.
 * Requests that arrive while a render is starting or running join it, and so do requests
 * that find a render job already active on Connect (started before a gateway restart, by
 * another gateway, or on Connect itself). The lookups on Connect and the start of a render
 * run one at a time per report, so two requests never start two renders.
 */
export class RenderRegistry {
  /** Records by render id; a record may have several ids when older handles led to it. */
  private readonly byRenderId = new Map<string, RenderRecord>();
  private readonly runningByReport = new Map<string, RenderRecord>();
  /** Refreshes still looking on Connect or starting, by report name. */
  private readonly startingByReport = new Map<string, Promise<RefreshResult>>();
  private readonly recovering = new Map<string, Promise<RenderRecord | undefined>>();
  /** Tail of the queue of Connect lookups and starts, by report name. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly redactors = new Map<string, Redactor>();
  private readonly expiryTimers = new Set<NodeJS.Timeout>();
  private readonly followers = new Set<Promise<void>>();

  constructor(private readonly options: RenderRegistryOptions) {}

  /**
   * Starts a render of the report, or joins the one that is running or starting, and writes
   * the request's audit line. Resolves once Connect accepted the render, never waiting for
   * it to finish. Rejects with a GatewayHttpError when the report is in its cooldown, or
   * when Connect rejects the render or fails.
   */
  async refresh(name: string, report: ReportConfig, request: RefreshRequest): Promise<RefreshResult> {
    const log = request.log ?? this.options.logger;
    const audit = { report: name, who: request.who };
    try {
      const result = await this.startOrJoin(name, report, request.who);
      const outcome = result.joined ? 'joined' : 'started';
      auditRefresh(log, { ...audit, outcome, handleId: result.record.renderId });
      return result;
    } catch (error) {
      const code = error instanceof GatewayHttpError ? error.code : 'internal_error';
      auditRefresh(log, { ...audit, outcome: 'refused', code });
      throw error;
    }
  }

  /**
   * Returns the render that a handle names, or undefined when the handle is invalid or
   * expired, or Connect has no render for it. A valid handle whose render is not in memory
   * (issued before a restart, by another gateway, or forgotten after FINISHED_RENDER_TTL_MS)
   * leads to the report's running render, or else to the newest render job that started
   * after it. Rejects with a GatewayHttpError when that lookup on Connect fails.
   */
  async resolve(handle: string): Promise<RenderRecord | undefined> {
    const claims = this.options.handles.verify(handle);
    if (claims === null || claims.variant !== null) {
      return undefined;
    }
    const report = this.options.catalog.find(claims.report);
    if (report === undefined) {
      return undefined;
    }
    const known = this.byRenderId.get(claims.renderId);
    if (known !== undefined) {
      return known;
    }

    let lookup = this.recovering.get(claims.renderId);
    if (lookup === undefined) {
      lookup = this.exclusive(claims.report, () => this.recover(claims, report));
      this.recovering.set(claims.renderId, lookup);
      const forget = () => this.recovering.delete(claims.renderId);
      lookup.then(forget, forget);
    }
    return lookup;
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

  private async startOrJoin(name: string, report: ReportConfig, who: string) {
    const running = this.runningByReport.get(name);
    if (running !== undefined) {
      return { record: running, joined: true };
    }
    const starting = this.startingByReport.get(name);
    if (starting !== undefined) {
      return { record: (await starting).record, joined: true };
    }

    const attempt = this.exclusive(name, () => this.startOrAdopt(name, report, who));
    this.startingByReport.set(name, attempt);
    try {
      return await attempt;
    } finally {
      this.startingByReport.delete(name);
    }
  }

  /** Joins an active render job on Connect, or checks the cooldown and starts a render. */
  private async startOrAdopt(name: string, report: ReportConfig, who: string) {
    // A handle lookup may have found a running render while this request waited its turn.
    const running = this.runningByReport.get(name);
    if (running !== undefined) {
      return { record: running, joined: true };
    }
    const jobs = await this.listJobs(name, report, 'look for a render in progress');
    const active = activeRenderJob(jobs);
    if (active !== undefined) {
      return { record: this.adoptJob(name, report, active), joined: true };
    }
    await checkCooldown(name, report, jobs, this.options.catalog);
    return { record: await this.start(name, report, who), joined: false };
  }

  private async start(name: string, report: ReportConfig, who: string): Promise<RenderRecord> {
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

    const record = this.createRecord(name, report, { startedAt, startedBy: who, jobKey: null });
    this.runningByReport.set(name, record);
    logger.info(
      {
        report: name,
        handle_id: record.renderId,
        taskId: started.taskId,
        route: started.route,
      },
      'Render started',
    );
    this.follow(record, report, (context) => followRender(record, started, context));
    return record;
  }

  /** Follows a render job found active on Connect, unless a record of it already runs. */
  private adoptJob(name: string, report: ReportConfig, job: Job): RenderRecord {
    const running = this.runningByReport.get(name);
    if (running !== undefined) {
      return running;
    }
    const startedAt = jobStartedAt(job);
    const record = this.createRecord(name, report, { startedAt, startedBy: null, jobKey: job.key });
    this.runningByReport.set(name, record);
    this.options.logger.info(
      { report: name, handle_id: record.renderId, jobKey: job.key },
      'Joined a render job already active on Connect',
    );
    this.follow(record, report, (context) => followJob(report.guid, job.key, context));
    return record;
  }

  /** Finds the render of a valid handle that is not in memory; see `resolve`. */
  private async recover(
    claims: HandleClaims,
    report: ReportConfig,
  ): Promise<RenderRecord | undefined> {
    const name = claims.report;
    const known = this.byRenderId.get(claims.renderId) ?? this.runningByReport.get(name);
    if (known !== undefined) {
      this.byRenderId.set(claims.renderId, known);
      return known;
    }

    const jobs = await this.listJobs(name, report, 'look up a render handle');
    const active = activeRenderJob(jobs);
    let record: RenderRecord;
    if (active !== undefined) {
      record = this.adoptJob(name, report, active);
    } else {
      const ended = newestEndedRenderJobSince(jobs, claims.startedAt);
      if (ended === undefined) {
        this.options.logger.info(
          { report: name, handle_id: claims.renderId },
          'No render job on Connect matches a valid handle',
        );
        return undefined;
      }
      record = this.endedJobRecord(name, report, ended);
    }
    this.byRenderId.set(claims.renderId, record);
    return record;
  }

  /** Creates the finished record of a render job that ended while no gateway followed it. */
  private endedJobRecord(name: string, report: ReportConfig, job: Job): RenderRecord {
    const record = this.createRecord(name, report, {
      startedAt: jobStartedAt(job),
      startedBy: null,
      jobKey: job.key,
    });
    const outcome = endedJobOutcome(job);
    const finishedAt = outcome.kind === 'aborted' ? new Date() : outcome.finishedAt ?? new Date();
    if (outcome.kind === 'succeeded') {
      record.succeed(finishedAt);
    } else if (outcome.kind === 'failed') {
      record.fail(this.describeFailure(name, report, outcome.reason), finishedAt);
    }
    this.scheduleExpiry(record);
    return record;
  }

  private createRecord(
    name: string,
    report: ReportConfig,
    fields: Pick<RenderRecord, 'startedAt' | 'startedBy' | 'jobKey'>,
  ): RenderRecord {
    const renderId = createRenderId();
    const handle = this.options.handles.issue({
      report: name,
      variant: null,
      renderId,
      startedAt: fields.startedAt,
    });
    const redactLine = this.redactor(name, report).createLineRedactor();
    const log = new RenderLog(report.log, redactLine);
    const record = new RenderRecord({ handle, renderId, reportName: name, log, ...fields });
    this.byRenderId.set(renderId, record);
    return record;
  }

  private follow(
    record: RenderRecord,
    report: ReportConfig,
    run: (context: Parameters<typeof followRender>[2]) => Promise<FollowOutcome>,
  ): void {
    const { client, logger, signal, timing } = this.options;
    const context = { client, logger: logger.child({ report: record.reportName }), signal, timing };
    const follower = run(context).then((outcome) => {
      this.finish(record, report, outcome);
    });
    this.followers.add(follower);
    void follower.finally(() => this.followers.delete(follower));
  }

  private finish(record: RenderRecord, report: ReportConfig, outcome: FollowOutcome): void {
    if (outcome.kind === 'aborted') {
      return;
    }
    const { catalog, logger } = this.options;
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
      reason = this.describeFailure(name, report, outcome.reason);
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

  /** Redacts a failure reason in full, then shortens it. */
  private describeFailure(name: string, report: ReportConfig, reason: string): string {
    return summarizeReason(this.redactor(name, report).redactText(reason));
  }

  private redactor(name: string, report: ReportConfig): Redactor {
    let redactor = this.redactors.get(name);
    if (redactor === undefined) {
      redactor = new Redactor({ secrets: this.options.secrets, patterns: report.redact });
      this.redactors.set(name, redactor);
    }
    return redactor;
  }

  private async listJobs(name: string, report: ReportConfig, action: string): Promise<Job[]> {
    const { client, logger, signal } = this.options;
    try {
      return await client.listJobs(report.guid, signal);
    } catch (error) {
      logConnectFailure(logger, error, name, action);
      throw toGatewayError(error, name);
    }
  }

  /** Runs `task` after every earlier task queued for the same report has settled. */
  private exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(name, settled);
    void settled.then(() => {
      if (this.queues.get(name) === settled) {
        this.queues.delete(name);
      }
    });
    return run;
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
