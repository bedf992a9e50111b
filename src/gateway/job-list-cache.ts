import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job } from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import { connectFailureFields, connectFailureReason } from './connect-failures.js';

/** How long a job list read for status requests is kept per content, in ms. */
export const JOB_LIST_TTL_MS = 5_000;

/** Minimum time between two warnings about failed job-list reads of one content, in ms. */
export const JOB_LIST_WARNING_INTERVAL_MS = 60_000;

/** The jobs that Connect listed, or the error that reading the list raised. */
export type JobListRead = { jobs: Job[]; error: null } | { jobs: null; error: unknown };

export interface JobListCacheOptions {
  guid: string;
  /** Report name that warnings name: the first configured report with this GUID. */
  reportName: string;
  client: ConnectClient;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal?: AbortSignal;
}

/**
 * Connect's job list of one content item as status requests use it: to find renders started
 * elsewhere, for the last-rendered time when the variant has none, and for render durations.
 * Each read, a failed one included, is kept for JOB_LIST_TTL_MS, and concurrent readers share
 * one Connect call. So status requests cost at most one job-list call per content in that
 * time. A failed read logs a warning at most once per JOB_LIST_WARNING_INTERVAL_MS.
 */
export class JobListCache {
  private readonly cached: CachedValue<JobListRead>;
  private lastWarnedAtMs = -Infinity;
  /** Failed reads since the last warning that were not logged. */
  private suppressedWarnings = 0;

  constructor(private readonly options: JobListCacheOptions) {
    this.cached = new CachedValue(() => this.load(), JOB_LIST_TTL_MS);
  }

  /** Returns the stored read while it is fresh, otherwise reads the list. Never rejects. */
  read(): Promise<JobListRead> {
    return this.cached.get();
  }

  /** Returns the stored read whatever its age, without a Connect call. */
  peek(): JobListRead | undefined {
    return this.cached.peek();
  }

  /** Marks the stored read stale, because a render of the content ended. */
  invalidate(): void {
    this.cached.invalidate();
  }

  private async load(): Promise<JobListRead> {
    const { client, guid, signal } = this.options;
    try {
      return { jobs: await client.listJobs(guid, signal), error: null };
    } catch (error) {
      this.warnFailure(error);
      return { jobs: null, error };
    }
  }

  private warnFailure(error: unknown): void {
    if (this.options.signal?.aborted === true) {
      return;
    }
    const nowMs = Date.now();
    if (nowMs - this.lastWarnedAtMs < JOB_LIST_WARNING_INTERVAL_MS) {
      this.suppressedWarnings += 1;
      return;
    }
    this.options.logger.warn(
      {
        report: this.options.reportName,
        ...connectFailureFields(error),
        reason: connectFailureReason(error),
        suppressed: this.suppressedWarnings,
      },
      'Failed to read the job list, so status responses show no render started outside ' +
        'the gateway and no render durations from Connect',
    );
    this.lastWarnedAtMs = nowMs;
    this.suppressedWarnings = 0;
  }
}
