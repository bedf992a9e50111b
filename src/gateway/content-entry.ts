import type { FastifyBaseLogger } from 'fastify';
import { newestSuccessfulRenderEnd, type ConnectClient } from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import { JobListCache } from './job-list-cache.js';
import { RECENT_DURATION_LIMIT, type ObservedRender } from './render-durations.js';

/** How long a content title from Connect is reused. */
export const TITLE_TTL_MS = 5 * 60_000;
/** How long Connect's last-rendered time is reused, unless a render of the report finishes. */
export const LAST_RENDERED_TTL_MS = 10_000;

export interface ContentEntryOptions {
  guid: string;
  /** The first configured report with this GUID, named in warnings. */
  reportName: string;
  client: ConnectClient;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal?: AbortSignal;
}

/**
 * The cached metadata of one content item on Connect, shared by every report name with its
 * GUID, because a render of any of them changes the last-rendered time and the cooldown of all.
 */
export class ContentEntry {
  readonly title: CachedValue<string | null>;
  readonly lastRendered: CachedValue<string | null>;
  readonly jobs: JobListCache;
  /** Successful renders that the gateway followed, newest first, at most RECENT_DURATION_LIMIT. */
  observed: ObservedRender[] = [];

  constructor({ guid, reportName, client, logger, signal }: ContentEntryOptions) {
    this.title = new CachedValue(async () => (await client.getContent(guid)).title, TITLE_TTL_MS);
    this.jobs = new JobListCache({ guid, reportName, client, logger, signal });
    this.lastRendered = new CachedValue(async () => {
      const renderTime = await client.getDefaultRenderTime(guid);
      if (renderTime !== null) {
        return renderTime;
      }
      // The same stored job list as the status route's other reads, so no second call.
      const read = await this.jobs.read();
      if (read.jobs === null) {
        throw read.error;
      }
      return newestSuccessfulRenderEnd(read.jobs);
    }, LAST_RENDERED_TTL_MS);
  }

  /** Adds a render that the gateway saw succeed, keeping the newest ones. */
  addObserved(render: ObservedRender): void {
    this.observed = [render, ...this.observed]
      .sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime())
      .slice(0, RECENT_DURATION_LIMIT);
  }

  /**
   * Combines Connect's value with the newest render the gateway saw succeed. The observed
   * completion time wins only while Connect's value predates that render's start, so the
   * element never shows an older time than the render it just watched finish.
   */
  combine(fromConnect: string | null): string | null {
    const newest = this.observed[0];
    if (newest === undefined) {
      return fromConnect;
    }
    // NOTE: this compares Connect's clock with the gateway's; a large skew between the two
    // keeps the observed time in place of Connect's value.
    if (fromConnect === null || Date.parse(fromConnect) < newest.startedAt.getTime()) {
      return newest.finishedAt.toISOString();
    }
    return fromConnect;
  }
}
