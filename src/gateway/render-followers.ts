/**
 * Creating the records of a render and following it in one of three roles. The owner of the
 * render's claim polls Connect and writes the shared state. A reader follows a render that
 * another replica owns, through the shared state. An unclaimed follower polls Connect for a
 * render found there while the shared state failed.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job, RenderStarted } from '../connect/index.js';
import { ClaimedRender } from './claimed-render.js';
import type { ReportConfig } from './config.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { followJob } from './follow-job.js';
import {
  followRender,
  type FollowContext,
  type FollowOutcome,
  type OutputSink,
} from './follow-render.js';
import { followShared, linesToAppend } from './follow-shared.js';
import type { RenderFactory } from './render-factory.js';
import { reportRenderKey, type RenderGroup } from './render-group.js';
import { jobStartedAt } from './render-jobs.js';
import type { RenderRecord } from './render-record.js';
import type { RenderTable } from './render-table.js';
import type { ReportCatalog } from './report-catalog.js';
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

export class RenderFollowers {
  /** Shared-state writes at the end of owned renders, by render key. */
  private readonly endings = new Map<string, Promise<void>>();

  constructor(private readonly options: RenderFollowersOptions) {}

  /**
   * Starts a render on Connect for a claimed render key and follows it as the owner. When
   * Connect does not start it, the claim ends as a failed render, so that replicas that
   * joined it learn the reason, and this rejects with a GatewayHttpError.
   */
  async start(name: string, report: ReportConfig, render: SharedRender): Promise<RenderGroup> {
    const { client, catalog, logger, signal, shared } = this.options;
    catalog.preloadLastRenderedAt(name);

    let started: RenderStarted;
    try {
      started = await client.render(report.guid, { signal });
    } catch (error) {
      logConnectFailure(logger, error, name, 'start a render');
      const failure = toGatewayError(error, name);
      await shared.renders
        .finish(render, { state: 'failed', finishedAt: new Date(), reason: failure.message })
        .catch((sharedError: unknown) => {
          logger.warn(
            { report: name, shared_render_id: render.id, reason: (sharedError as Error).message },
            'Failed to release the claim of a render that did not start; it expires by itself',
          );
        });
      throw failure;
    }

    const group = this.createGroup(name, report, render);
    logger.info(
      {
        report: name,
        handle_id: group.primary.record.renderId,
        shared_render_id: render.id,
        taskId: started.taskId,
        route: started.route,
      },
      'Render started',
    );
    this.follow(group, render, (sink, context) => followRender(sink, started, context));
    return group;
  }

  /**
   * Follows a render job found active on Connect, unless a render of its key already runs:
   * as its owner when `render` is this replica's claim on it, else unclaimed.
   */
  adoptJob(name: string, report: ReportConfig, job: Job, render: SharedRender | null): RenderGroup {
    const running = this.options.table.running(reportRenderKey(report));
    if (running !== undefined) {
      return running;
    }
    const origin = { startedAt: jobStartedAt(job), startedBy: null, jobKey: job.key };
    const group = this.createGroup(name, report, origin);
    this.options.logger.info(
      {
        report: name,
        handle_id: group.primary.record.renderId,
        shared_render_id: render?.id ?? null,
        jobKey: job.key,
      },
      'Joined a render job already active on Connect',
    );
    this.follow(group, render, (_sink, context) => followJob(report.guid, job.key, context));
    return group;
  }

  /**
   * Follows a render that another replica owns, through the shared state, unless a render of
   * its key already runs here. Its end writes no audit line here, because the owner writes it.
   */
  joinShared(name: string, report: ReportConfig, render: SharedRender): RenderGroup {
    const { logger, shared, table } = this.options;
    const running = table.running(reportRenderKey(report));
    if (running !== undefined) {
      return running;
    }
    const group = this.createGroup(name, report, render);
    logger.info(
      {
        report: name,
        handle_id: group.primary.record.renderId,
        shared_render_id: render.id,
        owner: render.owner,
      },
      'Joined a render that another replica follows',
    );
    const follow = { claims: shared.renders, render, guid: report.guid };
    const run = async (context: FollowContext) => {
      const outcome = await followShared(group, follow, context);
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
    first: SharedRenderRead,
  ): Promise<RenderRecord> {
    const { factory, shared, table } = this.options;
    const record = factory.create(name, report, first.render);
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
    const finishedAt = read.finishedAt ?? new Date();
    if (read.state === 'succeeded') {
      record.succeed(finishedAt);
    } else {
      record.fail(factory.describeFailure(name, report, read.reason ?? ''), finishedAt);
    }
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
      let outcome = await run(claimed ?? group, context);
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
    origin: Pick<SharedRender, 'startedAt' | 'startedBy' | 'jobKey'>,
  ): RenderGroup {
    const members = this.options.catalog.sharingRender(name);
    const { startedAt, startedBy, jobKey } = origin;
    return this.options.factory.createGroup(reportRenderKey(report), members, {
      startedAt,
      startedBy,
      jobKey,
    });
  }
}
