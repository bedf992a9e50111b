import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job, RenderStarted } from '../connect/index.js';
import type { CancelResult } from '../protocol/index.js';
import { auditRefresh } from './audit.js';
import { outcomeAfterCancel } from './cancel-order.js';
import type { ReportConfig } from './config.js';
import { checkCooldown } from './cooldown.js';
import { GatewayHttpError } from './errors.js';
import { followJob } from './follow-job.js';
import {
  followRender,
  type FollowContext,
  type FollowOutcome,
  type FollowTiming,
} from './follow-render.js';
import type { HandleClaims, HandleSigner } from './handles.js';
import { KeyedQueue } from './keyed-queue.js';
import { sendRenderRequest, settleLostRender } from './lost-renders.js';
import { RenderFactory, type RecordOrigin } from './render-factory.js';
import { RenderCanceller, type CancelRequest } from './render-cancel.js';
import { reportRenderKey, type RenderGroup } from './render-group.js';
import {
  activeRenderJob,
  RenderJobLister,
  jobStartedAt,
  newestEndedRenderJobSince,
} from './render-jobs.js';
import type { RenderRecord } from './render-record.js';
import { RenderTable } from './render-table.js';
import type { ReportCatalog } from './report-catalog.js';
import { isVariantAllowed } from './variants.js';

export { FINISHED_RENDER_TTL_MS } from './render-table.js';

/** A render that a refresh started or joined, before it is narrowed to the report's record. */
interface StartResult {
  group: RenderGroup;
  joined: boolean;
}

export interface RefreshResult {
  record: RenderRecord;
  /** True when the request joined a render that was already running or starting. */
  joined: boolean;
}

/** The requester of a refresh, and the variant it renders. */
export interface RefreshRequest {
  /** Variant key that the request resolved to (see resolveVariant), or null for the default. */
  variant: string | null;
  /** Identity label such as "user alice", or the client address, for the audit log. */
  who: string;
  /**
   * User name or bearer token name that the recent renders list shows as the render's
   * starter, or null for an anonymous request.
   */
  requester: string | null;
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
 * Starts renders, at most one at a time per render key (content GUID and variant), and
 * resolves handles to their records. Requests that arrive while a render is starting or
 * running join it, also those for another report name with the same key. So do requests that
 * find a render job of the variant already active on Connect: started before a gateway
 * restart, by another gateway, or on Connect itself. The lookups on Connect and the start of
 * a render run one at a time per render key, so two requests never start two renders of the
 * same variant, while two variants of one content render at the same time.
 */
export class RenderRegistry {
  private readonly renders: RenderTable;
  /** Refreshes still looking on Connect or starting, by render key. */
  private readonly startingByKey = new Map<string, Promise<StartResult>>();
  private readonly recovering = new Map<string, Promise<RenderRecord | undefined>>();
  /** Connect lookups and render starts, one at a time per render key. */
  private readonly queue = new KeyedQueue();
  private readonly factory: RenderFactory;
  private readonly jobs: RenderJobLister;
  private readonly canceller: RenderCanceller;

  constructor(private readonly options: RenderRegistryOptions) {
    this.factory = new RenderFactory(options.handles, options.secrets);
    this.renders = new RenderTable({ ...options, factory: this.factory });
    this.jobs = new RenderJobLister(options.client, options.logger, options.signal);
    this.canceller = new RenderCanceller({
      ...options,
      jobs: this.jobs,
      renders: this.renders,
      resolve: (handle) => this.resolve(handle),
    });
  }

  /**
   * Starts a render of the report, or joins the one that is running or starting for its
   * render key, and writes the request's audit line. Resolves once Connect accepted the
   * render, never waiting for it to finish. Rejects with a GatewayHttpError when the report is
   * in its cooldown, or when Connect rejects the render or fails.
   */
  async refresh(name: string, report: ReportConfig, request: RefreshRequest): Promise<RefreshResult> {
    const log = request.log ?? this.options.logger;
    const audit = { report: name, variant: request.variant, who: request.who };
    try {
      const started = await this.startOrJoin(name, report, request);
      const result = { record: started.group.recordFor(name), joined: started.joined };
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
   * leads to the running render of the report's variant, or else to the newest render job of
   * the variant that started after it. A handle whose variant the report no longer allows
   * resolves to undefined. Rejects with a GatewayHttpError when that lookup on Connect fails.
   */
  async resolve(handle: string): Promise<RenderRecord | undefined> {
    const claims = this.options.handles.verify(handle);
    if (claims === null) {
      return undefined;
    }
    const report = this.options.catalog.find(claims.report);
    if (report === undefined || !isVariantAllowed(report, claims.variant)) {
      return undefined;
    }
    const known = this.renders.find(claims.renderId);
    if (known !== undefined) {
      return known;
    }

    let lookup = this.recovering.get(claims.renderId);
    if (lookup === undefined) {
      const key = reportRenderKey(report, claims.variant);
      lookup = this.queue.run(key, () => this.recover(claims, report));
      this.recovering.set(claims.renderId, lookup);
      const forget = () => this.recovering.delete(claims.renderId);
      lookup.then(forget, forget);
    }
    return lookup;
  }

  /**
   * Orders Connect to end the render that the handle names, and writes the request's audit
   * line; see RenderCanceller.cancel. Check the report's cancel list before calling.
   */
  cancel(handle: string, request: CancelRequest): Promise<CancelResult> {
    return this.canceller.cancel(handle, request);
  }

  /** Returns the report's record of the render of the variant that is running, if any. */
  runningRender(name: string, variant: string | null): RenderRecord | undefined {
    const report = this.options.catalog.find(name);
    if (report === undefined) {
      return undefined;
    }
    return this.renders.running(reportRenderKey(report, variant))?.recordFor(name);
  }

  /**
   * Returns the report's record of the render of the variant in progress for the status
   * route. Without one in memory, it checks the job list that status requests share (see
   * JobListCache), so that renders started elsewhere show: a schedule, the Connect dashboard
   * or the API. It adopts an active render job of the variant as a refresh that joins it
   * would, so the returned handle follows that render to its end. Returns undefined when no
   * render is in progress or the job list read failed. Never rejects because of Connect.
   */
  async statusRender(name: string, variant: string | null): Promise<RenderRecord | undefined> {
    const report = this.options.catalog.find(name);
    if (report === undefined) {
      return undefined;
    }
    const key = reportRenderKey(report, variant);
    const known = this.renders.running(key);
    if (known !== undefined) {
      return known.recordFor(name);
    }
    const read = await this.options.catalog.readVariantJobs(name, variant);
    const active = read.jobs === null ? undefined : activeRenderJob(read.jobs);
    if (active === undefined) {
      return this.runningRender(name, variant);
    }
    // In the queue, so that a refresh that is looking on Connect or starting a render ends
    // first, and the job is joined rather than followed twice.
    const group = await this.queue.run(key, async () => {
      return this.adoptJob(name, report, variant, active, null);
    });
    return group.recordFor(name);
  }

  /** Waits for the followers, which stop once `signal` aborted, and clears expiry timers. */
  close(): Promise<void> {
    return this.renders.close();
  }

  private async startOrJoin(name: string, report: ReportConfig, request: RefreshRequest) {
    const key = reportRenderKey(report, request.variant);
    const running = this.renders.running(key);
    if (running !== undefined) {
      return { group: running, joined: true };
    }
    const starting = this.startingByKey.get(key);
    if (starting !== undefined) {
      return { group: (await starting).group, joined: true };
    }

    const attempt = this.queue.run(key, () => this.startOrAdopt(name, report, request));
    this.startingByKey.set(key, attempt);
    try {
      return await attempt;
    } finally {
      this.startingByKey.delete(key);
    }
  }

  /**
   * Joins an active render job of the variant on Connect, or checks the variant's cooldown
   * and starts a render.
   */
  private async startOrAdopt(
    name: string,
    report: ReportConfig,
    request: RefreshRequest,
  ): Promise<StartResult> {
    const { variant } = request;
    // A handle lookup may have found a running render while this request waited its turn.
    const running = this.renders.running(reportRenderKey(report, variant));
    if (running !== undefined) {
      return { group: running, joined: true };
    }
    const jobs = await this.variantJobs(name, report, variant, 'look for a render in progress');
    const active = activeRenderJob(jobs);
    if (active !== undefined) {
      return { group: this.adoptJob(name, report, variant, active, null), joined: true };
    }
    await checkCooldown(name, variant, report, jobs, this.options.catalog);
    const knownJobKeys = new Set(jobs.map((job) => job.key));
    return { group: await this.start(name, report, request, knownJobKeys), joined: false };
  }

  /** Lists the report's jobs on Connect (see RenderJobLister) and keeps the variant's. */
  private async variantJobs(
    name: string,
    report: ReportConfig,
    variant: string | null,
    action: string,
  ): Promise<Job[]> {
    const [jobs, belongs] = await Promise.all([
      this.jobs.list(name, report, action),
      this.options.catalog.variantJobFilter(name, variant),
    ]);
    return jobs.filter(belongs);
  }

  /**
   * Sends the render request (see sendRenderRequest) and follows the render. `knownJobKeys`
   * are the keys of the variant's job list read just before. A lost task is settled from the
   * job list.
   */
  private async start(
    name: string,
    report: ReportConfig,
    request: RefreshRequest,
    knownJobKeys: ReadonlySet<string>,
  ): Promise<RenderGroup> {
    const { client, catalog, logger, signal } = this.options;
    const { variant } = request;
    const startedAt = new Date();
    catalog.preloadLastRenderedAt(name, variant);

    const result = await sendRenderRequest({
      name,
      guid: report.guid,
      variant,
      client,
      logger,
      signal,
      knownJobKeys,
      listJobs: () => this.variantJobs(name, report, variant,
        'look for the render a failed request started'),
    });
    if (result.kind === 'job') {
      return this.adoptJob(name, report, variant, result.job, request);
    }
    const started: RenderStarted = result.started;

    const origin = {
      startedAt,
      startedBy: request.who,
      requester: request.requester,
      jobKey: null,
    };
    const group = this.createGroup(name, report, variant, origin);
    logger.info(
      {
        report: name,
        variant,
        handle_id: group.primary.record.renderId,
        taskId: started.taskId,
        route: started.route,
      },
      'Render started',
    );
    this.follow(group, async (context) => {
      const outcome = await followRender(group, started, context);
      if (outcome.kind !== 'unknown') {
        return outcome;
      }
      const listJobs = () => this.variantJobs(name, report, variant,
        'settle a render whose task Connect lost');
      return settleLostRender({ guid: report.guid, knownJobKeys, outcome, listJobs }, context);
    });
    return group;
  }

  /**
   * Follows a render job on Connect, unless a render of its key already runs. `startedBy` is
   * the request when the gateway's own render request started the job although it failed,
   * and null for a job found active on Connect.
   */
  private adoptJob(
    name: string,
    report: ReportConfig,
    variant: string | null,
    job: Job,
    startedBy: RefreshRequest | null,
  ): RenderGroup {
    const running = this.renders.running(reportRenderKey(report, variant));
    if (running !== undefined) {
      return running;
    }
    const origin = {
      startedAt: jobStartedAt(job),
      startedBy: startedBy?.who ?? null,
      requester: startedBy?.requester ?? null,
      jobKey: job.key,
    };
    const group = this.createGroup(name, report, variant, origin);
    this.options.logger.info(
      { report: name, variant, handle_id: group.primary.record.renderId, jobKey: job.key },
      startedBy === null
        ? 'Joined a render job already active on Connect'
        : 'Adopted the render job that a failed render request started',
    );
    this.follow(group, (context) => followJob(report.guid, job.key, context));
    return group;
  }

  /**
   * Follows a running render. Its end takes a kill order into account (see
   * outcomeAfterCancel). Once it ends, the job list that status requests share is marked
   * stale, so that the status route does not adopt the ended job again.
   */
  private follow(
    group: RenderGroup,
    run: (context: FollowContext) => Promise<FollowOutcome>,
  ): void {
    this.renders.follow(group, async (context) => {
      const followed = await run(context);
      const { client, logger, signal } = context;
      const guid = group.primary.report.guid;
      const outcome = group.cancelOrder === null ? followed
        : await outcomeAfterCancel(group.cancelOrder, followed, { client, logger, guid, signal });
      this.options.catalog.invalidateJobs(group.primary.name);
      return outcome;
    });
  }

  /** Creates the records of a render for the report and every report that shares its key. */
  private createGroup(
    name: string,
    report: ReportConfig,
    variant: string | null,
    origin: RecordOrigin,
  ): RenderGroup {
    const members = this.options.catalog.sharingRender(name, variant);
    return this.factory.createGroup(reportRenderKey(report, variant), variant, members, origin);
  }

  /** Finds the render of a valid handle that is not in memory; see `resolve`. */
  private async recover(
    claims: HandleClaims,
    report: ReportConfig,
  ): Promise<RenderRecord | undefined> {
    const { report: name, variant } = claims;
    const known = this.renders.find(claims.renderId) ?? this.runningRender(name, variant);
    if (known !== undefined) {
      this.renders.alias(claims.renderId, known);
      return known;
    }

    const jobs = await this.variantJobs(name, report, variant, 'look up a render handle');
    const active = activeRenderJob(jobs);
    let record: RenderRecord;
    if (active !== undefined) {
      record = this.adoptJob(name, report, variant, active, null).recordFor(name);
    } else {
      const ended = newestEndedRenderJobSince(jobs, claims.startedAt);
      if (ended === undefined) {
        this.options.logger.info(
          { report: name, handle_id: claims.renderId },
          'No render job on Connect matches a valid handle',
        );
        return undefined;
      }
      record = this.factory.createEnded(name, report, variant, ended);
      this.renders.addFinished(record);
    }
    this.renders.alias(claims.renderId, record);
    return record;
  }
}
