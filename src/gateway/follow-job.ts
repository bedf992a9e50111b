import type { Job } from '../connect/index.js';
import { connectFailureFields } from './connect-failures.js';
import {
  isTransient,
  messageOf,
  pause,
  type FollowContext,
  type FollowOutcome,
  unknownOutcome,
} from './follow-render.js';
import { endedJobOutcome } from './render-jobs.js';

/**
 * Watches a render job that the gateway found running on Connect, by reading the content's
 * job list every `timing.jobPollMs`, until the job is no longer active. The outcome comes
 * from the job's exit code. Such a render has no log lines: Connect links jobs to tasks only
 * through renderings, so the gateway cannot read the job's task output. Never rejects.
 */
export async function followJob(
  guid: string,
  jobKey: string,
  context: FollowContext,
): Promise<FollowOutcome> {
  const { client, logger, signal, timing } = context;
  let failingSinceMs: number | null = null;

  while (await pause(timing.jobPollMs, signal)) {
    let jobs: Job[];
    try {
      jobs = await client.listJobs(guid, signal);
    } catch (error) {
      if (signal.aborted) {
        break;
      }
      const fields = { jobKey, ...connectFailureFields(error), reason: messageOf(error) };
      if (!isTransient(error)) {
        logger.warn(fields, 'Connect rejected the job list read; stopped following the render');
        return unknownOutcome('Connect rejected reading the render job, so its outcome is unknown.');
      }
      failingSinceMs ??= Date.now();
      if (Date.now() - failingSinceMs >= timing.unreachableLimitMs) {
        logger.warn(fields, 'Gave up following the render job because Connect kept failing');
        return unknownOutcome(
          'Connect stayed unreachable while the render ran, so its outcome is unknown.');
      }
      logger.warn(fields, 'Reading the job list failed; retrying');
      continue;
    }

    failingSinceMs = null;
    const job = jobs.find((candidate) => candidate.key === jobKey);
    if (job === undefined) {
      logger.warn({ jobKey }, 'Connect no longer lists the render job');
      return unknownOutcome('Connect no longer lists the render job, so its outcome is unknown.');
    }
    if (job.status !== 0) {
      return endedJobOutcome(job);
    }
  }
  return { kind: 'aborted' };
}
