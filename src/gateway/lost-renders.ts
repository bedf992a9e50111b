/**
 * Recovery of renders that the gateway lost track of: a render request whose response never
 * arrived, and a render task that Connect forgot. In both cases the job list is the only
 * record left on Connect.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  ConnectApiError,
  ConnectResponseError,
  ConnectUnreachableError,
  type ConnectClient,
  type Job,
  type RenderStarted,
} from '../connect/index.js';
import {
  connectFailureFields,
  connectFailureReason,
  logConnectFailure,
  toGatewayError,
} from './connect-failures.js';
import { followJob } from './follow-job.js';
import {
  unknownOutcome,
  type FollowContext,
  type FollowOutcome,
} from './follow-render.js';
import { endedJobOutcome, newestRenderJobNotIn, oldestRenderJobNotIn } from './render-jobs.js';

/** Proxy and gateway statuses that a request may get although it reached Connect. */
const AMBIGUOUS_STATUSES = new Set([502, 503, 504]);

/**
 * Returns true when a render request failed in a way that does not tell whether Connect
 * started the render. Such failures are a missing or broken response (reset, timeout), a
 * proxy's 502, 503 or 504, and a success response that could not be read.
 */
export function isAmbiguousRenderFailure(error: unknown): boolean {
  if (error instanceof ConnectUnreachableError || error instanceof ConnectResponseError) {
    return true;
  }
  return error instanceof ConnectApiError && AMBIGUOUS_STATUSES.has(error.status);
}

export interface RenderRequest {
  name: string;
  guid: string;
  /** Variant key to render, or null for the content's default variant. */
  variant: string | null;
  client: ConnectClient;
  logger: FastifyBaseLogger;
  signal: AbortSignal;
  /** Keys of the job list read before the render request; see newestRenderJobNotIn. */
  knownJobKeys: ReadonlySet<string>;
  /** Reads the job list; rejects with a GatewayHttpError when Connect fails. */
  listJobs: () => Promise<Job[]>;
}

/** Result of a render request: the task Connect started, or a job it started silently. */
export type RenderRequestResult =
  | { kind: 'task'; started: RenderStarted }
  | { kind: 'job'; job: Job };

/**
 * Sends a render request, and never repeats it blindly. After a failure that does not tell
 * whether Connect started the render, the job list decides: a render job that is not in
 * `knownJobKeys` is taken as this render. Only without one is the request sent once more.
 * Rejects with a GatewayHttpError for any other failure, and when the second request fails
 * too without a new job.
 */
export async function sendRenderRequest(request: RenderRequest): Promise<RenderRequestResult> {
  const { name, guid, variant, client, logger, signal, knownJobKeys } = request;
  const variantKey = variant ?? undefined;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { kind: 'task', started: await client.render(guid, { variantKey, signal }) };
    } catch (error) {
      logConnectFailure(logger, error, name, 'start a render');
      if (!isAmbiguousRenderFailure(error) || signal.aborted) {
        throw toGatewayError(error, name, variant);
      }
      const job = newestRenderJobNotIn(await request.listJobs(), knownJobKeys);
      if (job !== undefined) {
        return { kind: 'job', job };
      }
      if (attempt >= 2) {
        throw toGatewayError(error, name, variant);
      }
      logger.warn(
        { report: name },
        'Connect lists no render started by the failed render request; sending it once more',
      );
    }
  }
}

export interface LostRender {
  guid: string;
  /** Keys of the job list read before the render request; see newestRenderJobNotIn. */
  knownJobKeys: ReadonlySet<string>;
  /** The `unknown` outcome that following the task ended with. */
  outcome: Extract<FollowOutcome, { kind: 'unknown' }>;
  /**
   * Reads the jobs of the render's variant, so that a render of another variant of the same
   * content that started meanwhile is never taken for this one. Rejects when Connect fails.
   */
  listJobs: () => Promise<Job[]>;
}

/**
 * Settles a render whose task Connect forgot, from the content's job list. A job of the
 * render that still runs is followed to its end. An ended job gives its outcome, which is
 * `unknown` when the job has no exit code. Without such a job, or when the list cannot be
 * read, the render ends as `unknown`. Never rejects.
 */
export async function settleLostRender(
  lost: LostRender,
  context: FollowContext,
): Promise<FollowOutcome> {
  const { logger, signal } = context;
  let jobs: Job[];
  try {
    jobs = await lost.listJobs();
  } catch (error) {
    if (signal.aborted) {
      return { kind: 'aborted' };
    }
    logger.warn(
      { ...connectFailureFields(error), reason: connectFailureReason(error) },
      'Could not read the job list of a render whose task Connect lost',
    );
    return unknownOutcome(`${lost.outcome.reason} Its job list could not be read either.`);
  }

  const job = newestRenderJobNotIn(jobs, lost.knownJobKeys);
  if (job === undefined) {
    logger.warn('Connect lost the render task and lists no job of the render');
    return unknownOutcome(`${lost.outcome.reason} Connect lists no job of the render.`);
  }
  if (job.status === 0) {
    logger.info({ jobKey: job.key }, 'Following the job of a render whose task Connect lost');
    return followJob(lost.guid, job.key, context);
  }
  const outcome = endedJobOutcome(job);
  logger.info({ jobKey: job.key, outcome: outcome.kind },
    'Took the outcome of a render whose task Connect lost from its job');
  return outcome;
}

/**
 * Returns `outcome` with an end time from the render's job, for a render whose end the gateway
 * saw late because polls of its task failed: `startedAt`, the gateway's start of the render,
 * plus the job's duration. Connect gives job times to the second, and its clock may differ
 * from the gateway's, so the job's duration is added rather than its end time taken, and the
 * result never lies before `startedAt` or after now. The outcome stays as it is when the job
 * list cannot be read or lists no ended job of the render. Never rejects.
 */
export async function withJobEndTime(
  outcome: Extract<FollowOutcome, { kind: 'succeeded' | 'failed' }>,
  render: Pick<LostRender, 'knownJobKeys' | 'listJobs'> & { startedAt: Date },
  logger: FastifyBaseLogger,
): Promise<FollowOutcome> {
  let jobs: Job[];
  try {
    jobs = await render.listJobs();
  } catch (error) {
    logger.warn(
      { ...connectFailureFields(error), reason: connectFailureReason(error) },
      'Could not read the job list for the end time of a render seen late; using the time seen',
    );
    return outcome;
  }
  const job = oldestRenderJobNotIn(jobs, render.knownJobKeys);
  if (job === undefined || job.status === 0 || job.start_time === null || job.end_time === null) {
    return outcome;
  }
  const jobMs = Math.max(0, Date.parse(job.end_time) - Date.parse(job.start_time));
  if (!Number.isFinite(jobMs)) {
    return outcome;
  }
  const finishedAt = new Date(Math.min(Date.now(), render.startedAt.getTime() + jobMs));
  logger.info({ jobKey: job.key, jobMs, finishedAt: finishedAt.toISOString() },
    'Took the duration of a render seen late from its job');
  return { ...outcome, finishedAt };
}
