/**
 * Creating the records of a render and following it in one of three roles. The owner of the
 * render's claim polls Connect and writes the shared state. A reader follows a render that
 * another replica owns, through the shared state. An unclaimed follower polls Connect for a
 * render found there while the shared state failed.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job } from '../connect/index.js';
import { outcomeAfterCancel, type CancelOrder } from './cancel-order.js';
import { ClaimedRender } from './claimed-render.js';
import type { ReportConfig } from './config.js';
import { GatewayHttpError } from './errors.js';
import { followJob } from './follow-job.js';
import {
  followRender,
  type FollowContext,
  type FollowOutcome,
  type OutputSink,
} from './follow-render.js';
import { followShared, linesToAppend } from './follow-shared.js';
import { sendRenderRequest, settleLostRender, withJobEndTime } from './lost-renders.js';
import type { RecordOrigin, RenderFactory } from './render-factory.js';
import type { SharedCancelOrders } from './render-cancel.js';
import { reportRenderKey, type RenderGroup } from './render-group.js';
import { jobStartedAt } from './render-jobs.js';
import type { RenderRecord } from './render-record.js';
import type { RefreshRequest } from './render-registry.js';
import type { RenderTable } from './render-table.js';
import type { ReportCatalog } from './report-catalog.js';
import { recordSharedOutcome, sharedCancelOrder } from './shared-cancel.js';
import type { SharedRender, SharedRenderRead, SharedState } from './shared-state/types.js';

export interface RenderFollowersOptions {
  client: ConnectClient;
  catalog: ReportCatalog;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal: AbortSignal;
  shared: SharedState;
  table: RenderTable;
  factory: RenderFactory;
  /** Values that redaction removes from exposed lines and reasons, such as the API key. */
  secrets: readonly string[];
  /** Pause between renewals of a claim, in ms. */
  claimRenewalMs: number;
}

/** Inputs of sendRenderRequest that come from the registry's read of the job list. */
export interface RenderRequestContext {
  /** Keys of the variant's job list read before the render request. */
  knownJobKeys: ReadonlySet<string>;
  /** Reads the variant's job list; rejects with a GatewayHttpError when Connect fails. */
  listJobs: () => Promise<Job[]>;
}

export class RenderFollowers implements SharedCancelOrders {
  /** Shared-state writes at the end of owned renders, by render key. */
  private readonly endings = new Map<string, Promise<void>>();
  /** The shared render of each group that has one, for kill orders of other replicas. */
  private readonly sharedRenders = new WeakMap<RenderGroup, SharedRender>();

  constructor(private readonly options: RenderFollowersOptions) {}

  /**
   * Sends the render request for a claimed render key (see sendRenderRequest) and follows the
   * render as the owner. A lost task is settled from the job list. When Connect does not
   * start the render, the claim ends as a failed render, so that replicas that joined it learn
   * the reason, and this rejects with a GatewayHttpError.
   */
  async start(
    name: string,
    report: ReportConfig,
    request: RefreshRequest,
    render: SharedRender,
    requestContext: RenderRequestContext,
  ): Promise<RenderGroup> {
    const { client, catalog, logger, signal, shared } = this.options;
    const { variant } = request;
    const { knownJobKeys } = requestContext;
    catalog.preloadLastRenderedAt(name, variant);

    let result: Awaited<ReturnType<typeof sendRenderRequest>>;
    try {
      result = await sendRenderRequest({
        name,
        guid: report.guid,
        variant,
        client,
        logger,
        signal,
        ...requestContext,
      });
    } catch (error) {
      const reason = error instanceof GatewayHttpError ? error.message : 'The render did not start.';
      await shared.renders
        .finish(render, { state: 'failed', finishedAt: new Date(), reason, cancelledBy: null })
        .catch((sharedError: unknown) => {
          logger.warn(
            { report: name, variant, shared_render_id: render.id, reason: (sharedError as Error).message },
            'Failed to release the claim of a render that did not start; it expires by itself',
          );
        });
      throw error;
    }
    if (result.kind === 'job') {
      return this.adoptJob(name, report, variant, result.job, request, render);
    }

    const { started } = result;
    const group = this.createGroup(name, report, variant, render);
    logger.info(
      {
        report: name,
        variant,
        handle_id: group.primary.record.renderId,
        shared_render_id: render.id,
        taskId: started.taskId,
        route: started.route,
      },
      'Render started',
    );
    this.follow(group, render, async (sink, context) => {
      const outcome = await followRender(sink, started, context);
      const { listJobs } = requestContext;
      if (outcome.kind === 'unknown') {
        return settleLostRender({ guid: report.guid, knownJobKeys, outcome, listJobs }, context);
      }
      if ((outcome.kind === 'succeeded' || outcome.kind === 'failed') && outcome.seenLate === true) {
        const { startedAt } = group.primary.record;
        return withJobEndTime(outcome, { knownJobKeys, listJobs, startedAt }, context.logger);
      }
      return outcome;
    });
    return group;
  }

  /**
   * Follows a render job of the variant on Connect, unless a render of its key already runs:
   * as its owner when `render` is this replica's claim on it, else unclaimed. `startedBy` is
   * the request when the gateway's own render request started the job although it failed,
   * and null for a job found active on Connect.
   */
  adoptJob(
    name: string,
    report: ReportConfig,
    variant: string | null,
    job: Job,
    startedBy: RefreshRequest | null,
    render: SharedRender | null,
  ): RenderGroup {
    const running = this.options.table.running(reportRenderKey(report, variant));
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
      {
        report: name,
        variant,
        handle_id: group.primary.record.renderId,
        shared_render_id: render?.id ?? null,
        jobKey: job.key,
      },
      startedBy === null
        ? 'Joined a render job already active on Connect'
        : 'Adopted the render job that a failed render request started',
    );
    this.follow(group, render, (_sink, context) => followJob(report.guid, job.key, context));
    return group;
  }

  /**
   * Follows a render of the variant that another replica owns, through the shared state,
   * unless a render of its key already runs here. Its end writes no audit line here, because
   * the owner writes it. A kill order sent from this replica ends the render as `cancelled`
   * here (see outcomeAfterCancel), even when the owner did not read the order.
   */
  joinShared(
    name: string,
    report: ReportConfig,
    variant: string | null,
    render: SharedRender,
  ): RenderGroup {
    const { logger, shared, table } = this.options;
    const running = table.running(reportRenderKey(report, variant));
    if (running !== undefined) {
      return running;
    }
    const group = this.createGroup(name, report, variant, render);
    this.sharedRenders.set(group, render);
    logger.info(
      {
        report: name,
        variant,
        handle_id: group.primary.record.renderId,
        shared_render_id: render.id,
        owner: render.owner,
      },
      'Joined a render that another replica follows',
    );
    const follow = { claims: shared.renders, render, guid: report.guid };
    const run = async (context: FollowContext) => {
      const followed = await followShared(group, follow, context);
      const outcome = group.cancelOrder === null ? followed
        : await this.afterCancel(group, group.cancelOrder, followed, context);
      this.options.catalog.invalidateJobs(group.primary.name);
      return outcome;
    };
    table.follow(group, run, { audit: false, sharedId: render.id });
    return group;
  }

  /**
   * Creates the finished record of a render that ended on another replica, from the first
   * read of its shared state and the reads of the rest of its log.
   */
  async addEndedShared(
    name: string,
    report: ReportConfig,
    variant: string | null,
    first: SharedRenderRead,
  ): Promise<RenderRecord> {
    const { factory, shared, table } = this.options;
    const record = factory.create(name, report, variant, recordOrigin(first.render));
    let read = first;
    let appended = 0;
    for (;;) {
      const { lines, complete } = linesToAppend(appended, read);
      record.appendOutput(lines);
      appended += lines.length;
      if (complete) {
        break;
      }
      const next = await shared.renders.read(first.render, appended);
      if (next === undefined) {
        break;
      }
      read = next;
    }
    recordSharedOutcome(record, read, (reason) => factory.describeFailure(name, report, reason));
    table.addFinished(record);
    return record;
  }

  /**
   * Resolves once the shared-state writes at the end of the key's last owned render are done,
   * so that a refresh after it finds the claim released and the cooldown stored.
   */
  settled(key: string): Promise<void> {
    return this.endings.get(key) ?? Promise.resolve();
  }

  /** Waits for the shared-state writes of renders that ended; call after the table closed. */
  async close(): Promise<void> {
    await Promise.all(this.endings.values());
  }

  /**
   * Follows a group with `run`. With a claim, `run` writes its output through the claim. Once
   * it ends, the records finish at once, and the outcome goes to the shared state after them,
   * where a success starts the key's cooldown.
   */
  private follow(
    group: RenderGroup,
    render: SharedRender | null,
    run: (sink: OutputSink, context: FollowContext) => Promise<FollowOutcome>,
  ): void {
    const { catalog, secrets, shared, claimRenewalMs, table } = this.options;
    table.follow(group, async (context) => {
      const claimed = render === null
        ? null
        : new ClaimedRender(group, {
          claims: shared.renders,
          render,
          logger: context.logger,
          secrets,
          renewalMs: claimRenewalMs,
        });
      const followed = await run(claimed ?? group, context);
      // A kill order sent from another replica counts as this replica's own. Without replicas
      // nothing is read, so the render ends in the same tick as its last lines arrive.
      const readsOrders = render !== null && shared.renders.replicated;
      const order = group.cancelOrder ?? (readsOrders
        ? await sharedCancelOrder(shared.renders, render, followed, context.logger)
        : null);
      let outcome = order === null ? followed
        : await this.afterCancel(group, order, followed, context);
      if (outcome.kind !== 'aborted') {
        // Fixed here, so that the shared state and this replica's records show the same time.
        outcome = { ...outcome, finishedAt: outcome.finishedAt ?? new Date() };
      }
      if (claimed !== null) {
        this.endClaim(group, claimed, outcome);
      }
      // The job list that status requests share is now stale, and the status route must not
      // adopt the ended job again.
      catalog.invalidateJobs(group.primary.name);
      return outcome;
    }, { sharedId: render?.id });
    if (render !== null) {
      this.sharedRenders.set(group, render);
    }
  }

  /** Decides the end of a render that has a kill order (see outcomeAfterCancel). */
  private async afterCancel(
    group: RenderGroup,
    order: CancelOrder,
    followed: FollowOutcome,
    context: FollowContext,
  ): Promise<FollowOutcome> {
    const { client, logger, signal } = context;
    const guid = group.primary.report.guid;
    return outcomeAfterCancel(order, followed, { client, logger, guid, signal });
  }

  /**
   * Stores in the shared state that a kill order for the group's render is about to be sent,
   * so that the owner of the render on another replica ends it as `cancelled`. Resolves also
   * when the write fails, because the kill order matters more.
   */
  async announceCancel(group: RenderGroup, order: CancelOrder): Promise<void> {
    const render = this.sharedRenders.get(group);
    if (render === undefined || order.jobKey === null) {
      return;
    }
    const mark = { by: order.by, jobKey: order.jobKey };
    await this.options.shared.renders.markCancelled(render, mark).catch((error: unknown) => {
      this.options.logger.warn(
        { report: group.primary.name, shared_render_id: render.id, reason: (error as Error).message },
        'Failed to store the kill order in the shared state; the owner may show the render as failed',
      );
    });
  }

  /** Removes the mark of announceCancel after Connect did not register the kill order. */
  async withdrawCancel(group: RenderGroup): Promise<void> {
    const render = this.sharedRenders.get(group);
    if (render === undefined) {
      return;
    }
    await this.options.shared.renders.markCancelled(render, null).catch((error: unknown) => {
      this.options.logger.warn(
        { report: group.primary.name, shared_render_id: render.id, reason: (error as Error).message },
        'Failed to remove a kill order that Connect did not register from the shared state',
      );
    });
  }

  /** Writes the end of an owned render to the shared state, tracked per render key. */
  private endClaim(group: RenderGroup, claimed: ClaimedRender, outcome: FollowOutcome): void {
    const { logger, shared } = this.options;
    const write = async () => {
      const finishedAt = outcome.kind === 'aborted' ? new Date() : (outcome.finishedAt ?? new Date());
      await claimed.end(outcome, finishedAt);
      if (outcome.kind === 'succeeded') {
        const keepMs = Math.max(...group.members.map((member) => member.report.cooldown_s)) * 1000;
        await shared.cooldowns.recordSuccess(group.key, finishedAt, keepMs).catch((error: unknown) => {
          logger.warn(
            { report: group.primary.name, reason: (error as Error).message },
            'Failed to store the render success for the cooldown of other replicas',
          );
        });
      }
      logger.debug(
        { report: group.primary.name, shared_render_id: claimed.render.id },
        'Wrote the end of the render to the shared state',
      );
    };
    const ending = write();
    this.endings.set(group.key, ending);
    void ending.then(() => {
      if (this.endings.get(group.key) === ending) {
        this.endings.delete(group.key);
      }
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
    const key = reportRenderKey(report, variant);
    return this.options.factory.createGroup(key, variant, members, recordOrigin(origin));
  }
}

/** Copies the fields of a record origin, without the other fields of a shared render. */
function recordOrigin(origin: RecordOrigin): RecordOrigin {
  const { startedAt, startedBy, requester, jobKey } = origin;
  return { startedAt, startedBy, requester, jobKey };
}
