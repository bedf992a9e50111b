import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient } from '../connect/index.js';
import { auditRenderFinished } from './audit.js';
import type { FollowContext, FollowOutcome, FollowTiming } from './follow-render.js';
import type { RenderFactory } from './render-factory.js';
import type { RenderGroup } from './render-group.js';
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
 * The renders in memory: records by render id, the running render of each render key, and one
 * follower per running render. A record may have several render ids when older handles led
 * to it. Finished records are dropped FINISHED_RENDER_TTL_MS after they ended.
 */
export class RenderTable {
  private readonly byRenderId = new Map<string, RenderRecord>();
  private readonly runningByKey = new Map<string, RenderGroup>();
  /** Groups of renders in the shared state, by shared render id, for handles of other replicas. */
  private readonly bySharedId = new Map<string, RenderGroup>();
  private readonly expiryTimers = new Set<NodeJS.Timeout>();
  /** Timers that mark running renders stuck at their report's `max_duration`. */
  private readonly stuckTimers = new Map<RenderGroup, NodeJS.Timeout[]>();
  private readonly followers = new Set<Promise<void>>();

  constructor(private readonly options: RenderTableOptions) {}

  find(renderId: string): RenderRecord | undefined {
    return this.byRenderId.get(renderId);
  }

  /** Makes `renderId`, the id of an older handle, lead to `record`. */
  alias(renderId: string, record: RenderRecord): void {
    this.byRenderId.set(renderId, record);
  }

  /** Returns the group of a render in the shared state, while its records are kept. */
  findShared(sharedId: string): RenderGroup | undefined {
    return this.bySharedId.get(sharedId);
  }

  /** Returns the running render of the render key, if any. */
  running(key: string): RenderGroup | undefined {
    return this.runningByKey.get(key);
  }

  /** Returns the running render that has `record` as a member, if any. */
  runningGroupOf(record: RenderRecord): RenderGroup | undefined {
    for (const group of this.runningByKey.values()) {
      if (group.members.some((member) => member.record === record)) {
        return group;
      }
    }
    return undefined;
  }

  /**
   * Adds a running render as its key's running render, and follows it with `run` until the
   * render ends or the gateway closes. Its end writes the `render finished` audit line unless
   * `audit` is false, as for a render that another replica follows on Connect. `sharedId` is
   * the id of the render in the shared state, if it has one.
   */
  follow(
    group: RenderGroup,
    run: (context: FollowContext) => Promise<FollowOutcome>,
    { audit = true, sharedId }: { audit?: boolean; sharedId?: string } = {},
  ): void {
    for (const { record } of group.members) {
      this.byRenderId.set(record.renderId, record);
    }
    this.runningByKey.set(group.key, group);
    if (sharedId !== undefined) {
      this.bySharedId.set(sharedId, group);
    }
    this.watchDuration(group);
    this.options.catalog.addFollowed(group.primary.name, group.variant, group.followed);
    const { client, logger, signal, timing } = this.options;
    const context = {
      client,
      logger: logger.child({ report: group.primary.name }),
      signal,
      timing,
    };
    const follower = run(context).then((outcome) => {
      this.finish(group, outcome, audit);
    });
    this.followers.add(follower);
    void follower.finally(() => this.followers.delete(follower));
  }

  /** Adds a record that is already finished. */
  addFinished(record: RenderRecord): void {
    this.byRenderId.set(record.renderId, record);
    this.scheduleExpiry([record]);
  }

  /** Clears expiry timers and waits for the followers, which stop once `signal` aborted. */
  async close(): Promise<void> {
    for (const timer of this.expiryTimers) {
      clearTimeout(timer);
    }
    this.expiryTimers.clear();
    for (const group of [...this.stuckTimers.keys()]) {
      this.stopWatchingDuration(group);
    }
    await Promise.all(this.followers);
  }

  /**
   * Starts one timer per member whose report has a `max_duration`. When it fires, the
   * record is marked stuck and one warning is logged. The render keeps running and keeps
   * its render key.
   */
  private watchDuration(group: RenderGroup): void {
    const timers: NodeJS.Timeout[] = [];
    for (const { name, report, record } of group.members) {
      if (report.max_duration === null) {
        continue;
      }
      const limitMs = report.max_duration * 1000;
      const elapsedMs = Date.now() - record.startedAt.getTime();
      const timer = setTimeout(() => {
        if (record.markStuck()) {
          this.options.logger.warn(
            {
              report: name,
              handle_id: record.renderId,
              jobKey: record.jobKey,
              maxDurationS: report.max_duration,
              runningForMs: Date.now() - record.startedAt.getTime(),
            },
            'Render exceeded the report\'s max_duration and may be stuck; it keeps running',
          );
        }
      }, Math.max(0, limitMs - elapsedMs));
      timer.unref();
      timers.push(timer);
    }
    if (timers.length > 0) {
      this.stuckTimers.set(group, timers);
    }
  }

  private stopWatchingDuration(group: RenderGroup): void {
    for (const timer of this.stuckTimers.get(group) ?? []) {
      clearTimeout(timer);
    }
    this.stuckTimers.delete(group);
  }

  private finish(group: RenderGroup, outcome: FollowOutcome, audit: boolean): void {
    this.stopWatchingDuration(group);
    if (outcome.kind === 'aborted') {
      return;
    }
    const { catalog, factory, logger } = this.options;
    const { primary } = group;
    const finishedAt = outcome.finishedAt ?? new Date();
    if (this.runningByKey.get(group.key) === group) {
      this.runningByKey.delete(group.key);
    }

    // The catalog learns first, so a request woken by a record reads the new time. It keeps
    // the time per content and variant, so one call covers every member.
    group.followed.state = outcome.kind;
    group.followed.finishedAt = finishedAt;
    if (outcome.kind === 'succeeded') {
      catalog.recordSuccess(primary.name, group.variant, group.followed);
    } else {
      catalog.recordFailure(primary.name, group.variant);
    }
    for (const { name, report, record } of group.members) {
      if (outcome.kind === 'succeeded') {
        record.succeed(finishedAt);
        continue;
      }
      if (outcome.kind === 'cancelled') {
        record.cancel(finishedAt);
        continue;
      }
      // Each report redacts with its own patterns.
      const reason = factory.describeFailure(name, report, outcome.reason);
      if (outcome.kind === 'unknown') {
        record.markUnknown(reason, finishedAt);
      } else {
        record.fail(reason, finishedAt);
      }
    }
    if (audit) {
      auditRenderFinished(logger, {
        report: primary.name,
        variant: group.variant,
        state: outcome.kind,
        durationMs: finishedAt.getTime() - primary.record.startedAt.getTime(),
        startedBy: primary.record.startedBy,
        reason: primary.record.error,
        ...(outcome.kind === 'cancelled' ? { cancelledBy: outcome.by } : {}),
      });
    }
    this.scheduleExpiry(group.members.map((member) => member.record));
  }

  /** Forgets every render id of the finished records after FINISHED_RENDER_TTL_MS. */
  private scheduleExpiry(records: readonly RenderRecord[]): void {
    const timer = setTimeout(() => {
      for (const [renderId, candidate] of this.byRenderId) {
        if (records.includes(candidate)) {
          this.byRenderId.delete(renderId);
        }
      }
      for (const [sharedId, group] of this.bySharedId) {
        if (records.includes(group.primary.record)) {
          this.bySharedId.delete(sharedId);
        }
      }
      this.expiryTimers.delete(timer);
    }, FINISHED_RENDER_TTL_MS);
    timer.unref();
    this.expiryTimers.add(timer);
  }
}
