/**
 * Reading renders from Connect's job list, for renders the gateway did not start or started
 * before a restart. Connect has no "rendering" flag, so a render job (tag build_report,
 * build_site or build_jupyter) with status 0 counts as a render in progress.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  ConnectApiError,
  RENDER_JOB_TAGS,
  type ConnectClient,
  type Job,
} from '../connect/index.js';
import type { ReportConfig } from './config.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { failed, unknownOutcome, type FollowOutcome } from './follow-render.js';

/**
 * How far a job's start may precede a handle's start time and still count as the handle's
 * render. Connect's clock and the gateway's may differ by this much.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 60_000;

/** Connect's code for "The requested method or endpoint is not supported". */
const UNSUPPORTED_ENDPOINT_CODE = 2;

/**
 * Returns true when listing jobs failed because the server has no job list route: a 404
 * with no Connect error code or with code 2. The v1 job list arrived in Connect 2022.10.0.
 */
export function isJobListMissing(error: unknown): boolean {
  return (
    error instanceof ConnectApiError &&
    error.status === 404 &&
    (error.code === null || error.code === UNSUPPORTED_ENDPOINT_CODE)
  );
}

/** Returns true for a render job with status 0 (active). */
export function isActiveRenderJob(job: Job): boolean {
  return RENDER_JOB_TAGS.has(job.tag) && job.status === 0;
}

/**
 * Returns the newest active render job, or undefined when no render runs. Pass the jobs of one
 * variant (see variantJobFilter), because each variant renders on its own.
 */
export function activeRenderJob(jobs: readonly Job[]): Job | undefined {
  return newest(jobs.filter(isActiveRenderJob));
}

/**
 * Returns the newest render job that has ended and started at or after `since`, less
 * CLOCK_SKEW_TOLERANCE_MS, or undefined when there is none.
 */
export function newestEndedRenderJobSince(jobs: readonly Job[], since: Date): Job | undefined {
  const fromMs = since.getTime() - CLOCK_SKEW_TOLERANCE_MS;
  return newest(
    jobs.filter(
      (job) =>
        RENDER_JOB_TAGS.has(job.tag) && job.status !== 0 && startMs(job) >= fromMs,
    ),
  );
}

/**
 * Returns the newest render job whose key is not in `knownKeys`, the keys of the job list
 * read before the gateway sent a render request. Such a job started after that read, so it
 * is most likely the render that the request started. Returns undefined when there is none.
 */
export function newestRenderJobNotIn(
  jobs: readonly Job[],
  knownKeys: ReadonlySet<string>,
): Job | undefined {
  return newest(jobs.filter((job) => RENDER_JOB_TAGS.has(job.tag) && !knownKeys.has(job.key)));
}

/**
 * Returns the oldest render job whose key is not in `knownKeys`, or undefined when there is
 * none. It is the first job that started after the job list was read, so the render that the
 * gateway's request started, even when another render of the content followed it.
 */
export function oldestRenderJobNotIn(
  jobs: readonly Job[],
  knownKeys: ReadonlySet<string>,
): Job | undefined {
  let found: Job | undefined;
  for (const job of jobs) {
    if (!RENDER_JOB_TAGS.has(job.tag) || knownKeys.has(job.key)) {
      continue;
    }
    if (found === undefined || startsBefore(job, found)) {
      found = job;
    }
  }
  return found;
}

/**
 * Returns true when `job` started before `other`. Connect gives start times to the second, so
 * the ids, which Connect counts up, order two jobs of the same second.
 */
function startsBefore(job: Job, other: Job): boolean {
  if (startMs(job) !== startMs(other)) {
    return startMs(job) < startMs(other);
  }
  const numeric = /^\d+$/;
  if (!numeric.test(job.id) || !numeric.test(other.id)) {
    return false;
  }
  return job.id.length !== other.id.length ? job.id.length < other.id.length : job.id < other.id;
}

/**
 * Decides the outcome of an ended render job from its exit code. Connect's job list has no
 * log lines and no error text, so a failure names only the code. A job without an exit code
 * gives `unknown`: Connect records none when it lost the process, as in a restart.
 */
export function endedJobOutcome(job: Job): FollowOutcome {
  const finishedAt = job.end_time === null ? undefined : new Date(job.end_time);
  if (job.status === 3) {
    return { ...failed('Connect skipped the render job.'), finishedAt };
  }
  if (job.exit_code === 0) {
    return { kind: 'succeeded', finishedAt };
  }
  if (job.exit_code === null) {
    return {
      ...unknownOutcome('The render job ended without an exit code, as after a Connect '
        + 'restart, so its outcome is unknown.'),
      finishedAt,
    };
  }
  return { ...failed(`The render ended with exit code ${job.exit_code}.`), finishedAt };
}

/** Returns the job's start time, or now when Connect did not send one. */
export function jobStartedAt(job: Job): Date {
  return job.start_time === null ? new Date() : new Date(job.start_time);
}

function startMs(job: Job): number {
  return job.start_time === null ? -Infinity : Date.parse(job.start_time);
}

function newest(jobs: readonly Job[]): Job | undefined {
  let found: Job | undefined;
  for (const job of jobs) {
    if (found === undefined || startMs(job) > startMs(found)) {
      found = job;
    }
  }
  return found;
}

/** Reads reports' job lists for the render registry. */
export class RenderJobLister {
  /** Whether the missing job list route was logged; it is logged once per gateway. */
  private warnedJobListMissing = false;

  constructor(
    private readonly client: ConnectClient,
    private readonly logger: FastifyBaseLogger,
    /** Aborts when the gateway closes. */
    private readonly signal: AbortSignal,
  ) {}

  /**
   * Lists the report's jobs. A server without the job list route gives an empty list, so
   * renders still start there, but renders started elsewhere go unnoticed. Rejects with a
   * GatewayHttpError when Connect fails; `action` names the purpose in the log line.
   */
  async list(name: string, report: ReportConfig, action: string): Promise<Job[]> {
    const { client, logger, signal } = this;
    try {
      return await client.listJobs(report.guid, signal);
    } catch (error) {
      if (isJobListMissing(error)) {
        if (!this.warnedJobListMissing) {
          this.warnedJobListMissing = true;
          logger.warn(
            { report: name },
            'Connect has no job list route (added in 2022.10.0), so the gateway cannot join ' +
              'renders that it did not start, nor follow handles across restarts',
          );
        }
        return [];
      }
      logConnectFailure(logger, error, name, action);
      throw toGatewayError(error, name);
    }
  }
}
