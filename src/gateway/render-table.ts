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
    await Promise.all(this.followers);
  }

  private finish(group: RenderGroup, outcome: FollowOutcome, audit: boolean): void {
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
    // the time per content, so one call covers every member.
    if (outcome.kind === 'succeeded') {
      catalog.recordSuccess(primary.name, {
        startedAt: primary.record.startedAt,
        finishedAt,
        jobKey: primary.record.jobKey,
      });
    } else {
      catalog.recordFailure(primary.name);
    }
    for (const { name, report, record } of group.members) {
      if (outcome.kind === 'succeeded') {
        record.succeed(finishedAt);
      } else {
        // Each report redacts with its own patterns.
        record.fail(factory.describeFailure(name, report, outcome.reason), finishedAt);
      }
    }
    if (audit) {
      auditRenderFinished(logger, {
        report: primary.name,
        state: outcome.kind,
        durationMs: finishedAt.getTime() - primary.record.startedAt.getTime(),
        startedBy: primary.record.startedBy,
        reason: primary.record.error,
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
