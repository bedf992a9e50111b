import type { FastifyBaseLogger } from 'fastify';
import {
  isLegacyRouteUnavailable,
  newestSuccessfulRenderEnd,
  type ConnectClient,
  type Job,
  type Rendering,
  type Variant,
} from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import { connectFailureFields, connectFailureReason } from './connect-failures.js';
import {
  JOB_LIST_TTL_MS,
  JOB_LIST_WARNING_INTERVAL_MS,
  type JobListCache,
  type JobListRead,
} from './job-list-cache.js';
import {
  connectRenders,
  MAX_RECENT_RENDERS,
  mergeRenderHistory,
  type FollowedRender,
  type HistoryEntry,
} from './render-history.js';
import { variantJobFilter } from './variants.js';
import { WarningThrottle } from './warning-throttle.js';

/** The shared reads of a content item that a variant entry builds on (see ContentEntry). */
export interface ContentReads {
  readonly jobs: JobListCache;
  readonly variants: CachedValue<Variant[] | null>;
}

export interface VariantEntryOptions {
  /** Variant key, or null for the content's default variant. */
  key: string | null;
  content: ContentReads;
  /** The first configured report with the content's GUID, named in warnings. */
  reportName: string;
  client: ConnectClient;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal?: AbortSignal;
}

/**
 * The cached state of one variant of a content item: its last-rendered time, its renderings
 * on Connect, and the renders of it that the gateway followed, newest start first.
 */
export class VariantEntry {
  readonly key: string | null;
  /**
   * The last-rendered time from Connect. It is loaded on every read, without a lifetime of its
   * own, because it comes from the variant list and the job list, which have theirs.
   */
  readonly lastRendered: CachedValue<string | null>;
  /**
   * Connect's renderings of the variant, kept like the job list for JOB_LIST_TTL_MS. Null
   * when they could not be read: the variant list or the renderings route is unavailable, or
   * the variant is not on Connect. Never rejects.
   */
  readonly renderings: CachedValue<Rendering[] | null>;
  /** Renders the gateway followed, newest start first, at most MAX_RECENT_RENDERS. */
  private followed: FollowedRender[] = [];
  private readonly renderingWarnings = new WarningThrottle(JOB_LIST_WARNING_INTERVAL_MS);

  constructor(private readonly options: VariantEntryOptions) {
    this.key = options.key;
    this.lastRendered = new CachedValue(() => this.loadLastRendered(), 0);
    this.renderings = new CachedValue(() => this.loadRenderings(), JOB_LIST_TTL_MS);
  }

  /**
   * Returns a test for the content's jobs that belong to this variant, from the stored
   * variant list when it is fresh, else from a new read. Never rejects: without the list it
   * falls back as variantJobFilter describes.
   */
  async jobFilter(): Promise<(job: Job) => boolean> {
    let variants: Variant[] | null;
    try {
      variants = await this.options.content.variants.get();
    } catch {
      // The status route reads the list too, and logs its failure.
      variants = null;
    }
    return variantJobFilter(variants, this.key);
  }

  /** Returns the content's shared job list read (see JobListCache), narrowed to this variant. */
  async readJobs(): Promise<JobListRead> {
    const [read, filter] = await Promise.all([this.options.content.jobs.read(), this.jobFilter()]);
    return read.jobs === null ? read : { jobs: read.jobs.filter(filter), error: null };
  }

  /**
   * Returns the merged history of the variant from the stored reads, whatever their age,
   * without a Connect call; see mergeRenderHistory.
   */
  peekHistory(): HistoryEntry[] {
    const { content } = this.options;
    const jobs = content.jobs.peek()?.jobs ?? null;
    const filter = variantJobFilter(content.variants.peek() ?? null, this.key);
    return this.history(jobs?.filter(filter) ?? null, this.renderings.peek() ?? null);
  }

  /**
   * Merges the variant's jobs and renderings on Connect with the renders the gateway
   * followed; see mergeRenderHistory.
   */
  history(jobs: readonly Job[] | null, renderings: readonly Rendering[] | null): HistoryEntry[] {
    return mergeRenderHistory(connectRenders(jobs, renderings), this.followed);
  }

  /** Adds a render that the gateway follows, or does nothing when it has it already. */
  addFollowed(render: FollowedRender): void {
    if (this.followed.includes(render)) {
      return;
    }
    this.followed = [render, ...this.followed]
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .slice(0, MAX_RECENT_RENDERS);
  }

  /**
   * Combines Connect's value with the newest render the gateway saw succeed. The observed
   * completion time wins only while Connect's value predates that render's start, so the
   * element never shows an older time than the render it just watched finish.
   */
  combine(fromConnect: string | null): string | null {
    const newest = this.newestSuccess();
    if (newest === undefined) {
      return fromConnect;
    }
    // NOTE: this compares Connect's clock with the gateway's; a large skew between the two
    // keeps the observed time in place of Connect's value.
    if (fromConnect === null || Date.parse(fromConnect) < newest.startedAt.getTime()) {
      return newest.finishedAt!.toISOString();
    }
    return fromConnect;
  }

  /** Marks the stored renderings and last-rendered time stale, because a render ended. */
  invalidate(): void {
    this.renderings.invalidate();
    this.lastRendered.invalidate();
  }

  private newestSuccess(): FollowedRender | undefined {
    let newest: FollowedRender | undefined;
    for (const render of this.followed) {
      if (render.state !== 'succeeded' || render.finishedAt === null) {
        continue;
      }
      if (newest === undefined || render.finishedAt > newest.finishedAt!) {
        newest = render;
      }
    }
    return newest;
  }

  /**
   * Loads the variant's `render_time` from the variant list, or else the end of the newest
   * successful render job of the variant, from the same stored job list as the status
   * route's other reads.
   */
  private async loadLastRendered(): Promise<string | null> {
    const { content } = this.options;
    const variants = await content.variants.get();
    const renderTime = findVariant(variants, this.key)?.render_time ?? null;
    if (renderTime !== null) {
      return renderTime;
    }
    const read = await content.jobs.read();
    if (read.jobs === null) {
      throw read.error;
    }
    return newestSuccessfulRenderEnd(read.jobs.filter(variantJobFilter(variants, this.key)));
  }

  private async loadRenderings(): Promise<Rendering[] | null> {
    const { client, signal } = this.options;
    let variant: Variant | undefined;
    try {
      variant = findVariant(await this.options.content.variants.get(), this.key);
    } catch {
      // The status route reads the list too, and logs its failure.
      return null;
    }
    if (variant === undefined) {
      return null;
    }
    try {
      return await client.listRenderings(variant.id, signal);
    } catch (error) {
      if (!isLegacyRouteUnavailable(error)) {
        this.warnRenderingsFailure(error);
      }
      return null;
    }
  }

  private warnRenderingsFailure(error: unknown): void {
    const suppressed = this.renderingWarnings.take();
    if (suppressed === null || this.options.signal?.aborted === true) {
      return;
    }
    this.options.logger.warn(
      {
        report: this.options.reportName,
        variant: this.key,
        ...connectFailureFields(error),
        reason: connectFailureReason(error),
        suppressed,
      },
      'Failed to read the renderings of a variant, so its recent renders come from the job ' +
        'list and the gateway only',
    );
  }
}

/** Returns the variant with this key, or the default variant for null. */
function findVariant(variants: readonly Variant[] | null, key: string | null) {
  return key === null
    ? variants?.find((variant) => variant.is_default)
    : variants?.find((variant) => variant.key === key);
}
