/**
 * Following a render that another replica claimed: its owner polls Connect and writes the
 * state and log to the shared state, and this replica reads them from there. When the shared
 * state is gone (the owner died and its claim expired, or it shut down) or stays unreadable,
 * the render is looked up on Connect's job list instead, without further log lines.
 */
import type { Job } from '../connect/index.js';
import { connectFailureFields } from './connect-failures.js';
import { followJob } from './follow-job.js';
import {
  failed,
  isTransient,
  messageOf,
  pause,
  unknownOutcome,
  type FollowContext,
  type FollowOutcome,
  type OutputSink,
} from './follow-render.js';
import {
  activeRenderJob,
  endedJobOutcome,
  newestEndedRenderJobSince,
} from './render-jobs.js';
import { READ_BATCH_LINES } from './shared-state/memory-state.js';
import type { RenderClaims, SharedRender, SharedRenderRead } from './shared-state/types.js';

/** Inputs of a follower of a shared render, besides its FollowContext. */
export interface SharedFollow {
  claims: RenderClaims;
  render: SharedRender;
  /** Content GUID of the render, for the lookup on Connect. */
  guid: string;
}

/** Failed reads of the shared state in a row after which the render is followed on Connect. */
const SHARED_READ_ATTEMPTS = 2;

/**
 * Polls the shared state of a render every `timing.sharedPollMs` and appends its new log
 * lines to `sink`, until the render ends there. Never rejects.
 */
export async function followShared(
  sink: OutputSink,
  shared: SharedFollow,
  context: FollowContext,
): Promise<FollowOutcome> {
  const { logger, signal, timing } = context;
  const { claims, render } = shared;
  let appended = 0;
  let failingSinceMs: number | null = null;
  let failures = 0;
  let backoffMs = timing.firstBackoffMs;

  while (!signal.aborted) {
    let read: SharedRenderRead | undefined;
    try {
      read = await claims.read(render, appended);
    } catch (error) {
      failingSinceMs ??= Date.now();
      const failingForMs = Date.now() - failingSinceMs;
      const fields = { shared_render_id: render.id, reason: (error as Error).message, failingForMs };
      // Connect's job list still records the render's end. So after a second failure in a row
      // the job list takes over, rather than the render showing as running during the outage.
      failures += 1;
      if (failures >= SHARED_READ_ATTEMPTS || failingForMs >= timing.unreachableLimitMs) {
        logger.warn(fields, 'Gave up reading the shared render state; looking it up on Connect');
        return followOnConnect(shared, context);
      }
      logger.warn({ ...fields, retryInMs: backoffMs }, 'Reading the shared render state failed; retrying');
      if (!(await pause(backoffMs, signal))) {
        break;
      }
      backoffMs = Math.min(backoffMs * 2, timing.maxBackoffMs);
      continue;
    }
    failingSinceMs = null;
    failures = 0;
    backoffMs = timing.firstBackoffMs;

    if (read === undefined) {
      logger.info(
        { shared_render_id: render.id, owner: render.owner },
        'The shared state of the render is gone; looking it up on Connect',
      );
      return followOnConnect(shared, context);
    }
    const { lines, complete } = linesToAppend(appended, read);
    sink.appendOutput(lines);
    appended += lines.length;
    if (complete) {
      return sharedOutcome(read);
    }
    // A full batch means more stored lines wait; read them at once.
    if (read.lines.length < READ_BATCH_LINES && !(await pause(timing.sharedPollMs, signal))) {
      break;
    }
  }
  return { kind: 'aborted' };
}

/**
 * Returns the lines of `read` that follow the first `appended` lines, and whether they
 * complete the log. While the render runs, only stored lines count. Once it has ended and
 * every stored line was read, the lines that were not stored follow: those in the tail, and
 * empty lines in place of the rest, which no log exposure shows. Each reader's log then
 * counts as many lines as the owner's.
 */
export function linesToAppend(
  appended: number,
  read: SharedRenderRead,
): { lines: string[]; complete: boolean } {
  const lines = [...read.lines];
  if (read.state === 'running' || read.lines.length === READ_BATCH_LINES) {
    return { lines, complete: false };
  }
  const tailStart = read.lineCount - read.tail.length;
  for (let index = appended + lines.length; index < read.lineCount; index += 1) {
    lines.push(index >= tailStart ? read.tail[index - tailStart]! : '');
  }
  return { lines, complete: true };
}

function sharedOutcome(read: SharedRenderRead): FollowOutcome {
  const finishedAt = read.finishedAt ?? undefined;
  switch (read.state) {
    case 'succeeded':
      return { kind: 'succeeded', finishedAt };
    case 'cancelled':
      // The owner writes the audit line that names who cancelled it.
      return { kind: 'cancelled', by: read.cancelledBy ?? '', finishedAt };
    case 'unknown':
      return {
        ...unknownOutcome(read.reason ?? 'The outcome of the render is unknown.'),
        finishedAt,
      };
    default:
      return { ...failed(read.reason ?? 'The render failed without a reason.'), finishedAt };
  }
}

/**
 * Finds the render on Connect's job list: follows its job while it is active, or takes the
 * outcome of the newest render job that started since the render did. Retries transient
 * failures until `timing.unreachableLimitMs`. Never rejects.
 */
async function followOnConnect(shared: SharedFollow, context: FollowContext): Promise<FollowOutcome> {
  const { client, logger, signal, timing } = context;
  const { guid, render } = shared;
  const startedMs = Date.now();
  let backoffMs = timing.firstBackoffMs;

  while (!signal.aborted) {
    let jobs: Job[];
    try {
      jobs = await client.listJobs(guid, signal);
    } catch (error) {
      if (signal.aborted) {
        break;
      }
      const fields = { shared_render_id: render.id, ...connectFailureFields(error), reason: messageOf(error) };
      if (!isTransient(error) || Date.now() - startedMs >= timing.unreachableLimitMs) {
        logger.warn(fields, 'Looking up the render on Connect failed');
        return failed('The replica that followed the render stopped, and Connect could not be ' +
          'asked about the render, so its outcome is unknown.');
      }
      logger.warn({ ...fields, retryInMs: backoffMs }, 'Reading the job list failed; retrying');
      if (!(await pause(backoffMs, signal))) {
        break;
      }
      backoffMs = Math.min(backoffMs * 2, timing.maxBackoffMs);
      continue;
    }

    const active = activeRenderJob(jobs);
    if (active !== undefined) {
      return followJob(guid, active.key, context);
    }
    const ended = newestEndedRenderJobSince(jobs, render.startedAt);
    if (ended !== undefined) {
      return endedJobOutcome(ended);
    }
    return failed('The replica that followed the render stopped, and Connect lists no render ' +
      'job for it, so its outcome is unknown.');
  }
  return { kind: 'aborted' };
}
