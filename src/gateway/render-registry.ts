import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job } from '../connect/index.js';
import type { CancelResult } from '../protocol/index.js';
import { auditRefresh } from './audit.js';
import type { ReportConfig } from './config.js';
import { checkCooldown } from './cooldown.js';
import { GatewayHttpError } from './errors.js';
import type { FollowTiming } from './follow-render.js';
import type { HandleClaims, HandleSigner } from './handles.js';
import { KeyedQueue } from './keyed-queue.js';
import { RenderFactory } from './render-factory.js';
import { RenderFollowers } from './render-followers.js';
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
import { SharedCalls } from './shared-calls.js';
import { recoverSharedRender } from './shared-recovery.js';
import type { SharedState } from './shared-state/types.js';
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
  /** Claims, render state and cooldowns that the gateway's replicas share. */
  shared: SharedState;
}

/**
 * Starts renders, at most one at a time per render key (content GUID and variant), and
 * resolves handles to their records. Requests that arrive while a render is starting or
 * running join it, also those for another report name with the same key. So do requests that
 * find a render of the variant that another replica claimed in the shared state, or a render
 * job of the variant already active on Connect: started before a gateway restart, by another
 * gateway, or on Connect itself. Within a replica, the lookups and the start of a render run
 * one at a time per render key. Across replicas, a render starts only after its key's claim in
 * the shared state. So two requests never start two renders of the same variant, on one
 * replica or on several, while two variants of one content render at the same time.
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
  private readonly followers: RenderFollowers;
  private readonly sharedCalls: SharedCalls;
  private readonly canceller: RenderCanceller;

  constructor(private readonly options: RenderRegistryOptions) {
    this.factory = new RenderFactory(options.handles, options.secrets);
    this.renders = new RenderTable({ ...options, factory: this.factory });
    this.jobs = new RenderJobLister(options.client, options.logger, options.signal);
    this.followers = new RenderFollowers({
      ...options,
      table: this.renders,
      factory: this.factory,
      claimRenewalMs: options.timing.claimRenewalMs,
    });
    this.sharedCalls = new SharedCalls(options.logger);
    this.canceller = new RenderCanceller({
      ...options,
      jobs: this.jobs,
      renders: this.renders,
      resolve: (handle) => this.resolve(handle),
      sharedOrders: this.followers,
    });
  }

  /**
   * Starts a render of the report, or joins the one that is running or starting for its
   * render key, and writes the request's audit line. Resolves once Connect accepted the
   * render, never waiting for it to finish. Rejects with a GatewayHttpError when the report is
   * in its cooldown, when Connect rejects the render or fails, or with 503
   * `shared_state_unavailable` when the shared state cannot be read or written.
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
   * leads to the running render of the report's variant, or else to the newest render of the
   * variant that started after it: first in the shared state, with its log, then on Connect's
   * job list, without it. A handle whose variant the report no longer allows resolves to
   * undefined. Rejects with a GatewayHttpError when the lookup on Connect fails.
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
    const claims = this.options.shared.renders;
    const [claimed, read] = await Promise.all([
      this.sharedCalls.read(name, () => claims.current(key)),
      this.options.catalog.readVariantJobs(name, variant),
    ]);
    // This replica's own claims belong to renders that it keeps in memory, or that are ending.
    const elsewhere = claimed?.owner === claims.owner ? undefined : claimed;
    // In the queue, so that a refresh that is looking on Connect or starting a render ends
    // first, and the render is joined rather than followed twice.
    if (elsewhere !== undefined) {
      const group = await this.queue.run(key, async () =>
        this.followers.joinShared(name, report, variant, elsewhere),
      );
      return group.recordFor(name);
    }
    const active = read.jobs === null ? undefined : activeRenderJob(read.jobs);
    if (active === undefined) {
      return this.runningRender(name, variant);
    }
    const group = await this.queue.run(key, () =>
      this.adoptFoundJob(name, report, variant, active),
    );
    return group.recordFor(name);
  }

  /**
   * Waits for the followers, which stop once `signal` aborted, and for their last writes to
   * the shared state, and clears expiry timers.
   */
  async close(): Promise<void> {
    await this.renders.close();
    await this.followers.close();
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
   * Joins a render of the variant that another replica claimed or that runs on Connect, or
   * else checks the variant's cooldown, claims its render key and starts a render. A lost
   * claim joins the winner. The claim comes before the render request, so no replica sends
   * one without it.
   */
  private async startOrAdopt(
    name: string,
    report: ReportConfig,
    request: RefreshRequest,
  ): Promise<StartResult> {
    const { variant } = request;
    const key = reportRenderKey(report, variant);
    // A handle lookup may have found a running render while this request waited its turn.
    const running = this.renders.running(key);
    if (running !== undefined) {
      return { group: running, joined: true };
    }
    const { renders: claims, cooldowns } = this.options.shared;
    await this.followers.settled(key);
    let elsewhere = await this.sharedCalls.write(name, () => claims.current(key));
    if (elsewhere?.owner === claims.owner) {
      // Its end failed to reach the shared state, because this replica follows no render of
      // the key and has no write pending. Dropping it lets the render start without waiting.
      const stale = elsewhere;
      this.options.logger.warn(
        { report: name, variant, shared_render_id: stale.id },
        'Dropped a stale claim of this replica',
      );
      await this.sharedCalls.write(name, () => claims.abandon(stale));
      elsewhere = undefined;
    }
    if (elsewhere !== undefined) {
      return { group: this.followers.joinShared(name, report, variant, elsewhere), joined: true };
    }

    const jobs = await this.variantJobs(name, report, variant, 'look for a render in progress');
    const active = activeRenderJob(jobs);
    if (active !== undefined) {
      const origin = {
        startedAt: jobStartedAt(active),
        startedBy: null,
        requester: null,
        jobKey: active.key,
      };
      const claim = await this.sharedCalls.write(name, () => claims.claim(key, origin));
      const group = claim.claimed
        ? this.followers.adoptJob(name, report, variant, active, null, claim.render)
        : this.followers.joinShared(name, report, variant, claim.render);
      return { group, joined: true };
    }

    const sharedSuccess = await this.sharedCalls.write(name, () => cooldowns.lastSuccess(key));
    await checkCooldown(name, variant, report, jobs, this.options.catalog, sharedSuccess);
    const origin = {
      startedAt: new Date(),
      startedBy: request.who,
      requester: request.requester,
      jobKey: null,
    };
    const claim = await this.sharedCalls.write(name, () => claims.claim(key, origin));
    if (!claim.claimed) {
      return { group: this.followers.joinShared(name, report, variant, claim.render), joined: true };
    }
    const knownJobKeys = new Set(jobs.map((job) => job.key));
    const group = await this.followers.start(name, report, request, claim.render, {
      knownJobKeys,
      listJobs: () => this.variantJobs(name, report, variant,
        'look for the render a failed request started'),
    });
    return { group, joined: false };
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
   * Follows a render job of the variant that a read found active on Connect: as the owner of
   * its claim, or through the shared state when another replica claimed it first. When the
   * shared state fails, the job is followed unclaimed, because following starts no render.
   */
  private async adoptFoundJob(
    name: string,
    report: ReportConfig,
    variant: string | null,
    job: Job,
  ): Promise<RenderGroup> {
    const key = reportRenderKey(report, variant);
    const running = this.renders.running(key);
    if (running !== undefined) {
      return running;
    }
    await this.followers.settled(key);
    const origin = { startedAt: jobStartedAt(job), startedBy: null, requester: null, jobKey: job.key };
    const claim = await this.sharedCalls.read(name, () =>
      this.options.shared.renders.claim(key, origin),
    );
    if (claim !== undefined && !claim.claimed) {
      return this.followers.joinShared(name, report, variant, claim.render);
    }
    return this.followers.adoptJob(name, report, variant, job, null, claim?.render ?? null);
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

    const shared = await recoverSharedRender(
      {
        shared: this.options.shared,
        sharedCalls: this.sharedCalls,
        table: this.renders,
        followers: this.followers,
      },
      claims,
      report,
    );
    if (shared !== undefined) {
      this.renders.alias(claims.renderId, shared);
      return shared;
    }

    const jobs = await this.variantJobs(name, report, variant, 'look up a render handle');
    const active = activeRenderJob(jobs);
    let record: RenderRecord;
    if (active !== undefined) {
      record = (await this.adoptFoundJob(name, report, variant, active)).recordFor(name);
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
