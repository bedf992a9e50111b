import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import {
  ConnectApiError,
  ConnectResponseError,
  ConnectUnreachableError,
  isTaskNotFound,
  type ConnectClient,
  type RenderStarted,
  type Task,
} from '../connect/index.js';
import { connectFailureFields, connectFailureReason } from './connect-failures.js';

/**
 * Seconds that Connect may hold each task poll while the task has not finished. Connect ends
 * the wait when the task finishes, not on new output, so this bounds how late a log line
 * reaches clients. The rsconnect packages for R and Python poll with wait=1 as well.
 */
export const TASK_POLL_WAIT_SECONDS = 1;
/** Maximum length of the failure reason a render reports. */
export const MAX_REASON_LENGTH = 200;

/** Timing of the upstream poll loop, in milliseconds. */
export interface FollowTiming {
  /** How long Connect may return "task not found" before the render counts as lost. */
  taskGraceMs: number;
  /** Pause before polling again after "task not found". */
  notFoundRetryMs: number;
  /** First pause after a network error or server error; it doubles up to maxBackoffMs. */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** How long Connect may stay unreachable or failing before the render counts as failed. */
  unreachableLimitMs: number;
  /** Pause between reads of the job list while following a render that has no known task. */
  jobPollMs: number;
  /**
   * Maximum time a cancel request waits for the render to end before it responds, and for
   * the render's job to show in the job list.
   */
  cancelWaitMs: number;
  /** Pause between reads of the job list while a cancel request looks for the render's job. */
  jobLookupPauseMs: number;
  /** Pause between reads of the shared state while following a render another replica owns. */
  sharedPollMs: number;
  /** Pause between renewals of a render claim; a third of the claim lifetime. */
  claimRenewalMs: number;
}

export const DEFAULT_FOLLOW_TIMING: Readonly<FollowTiming> = {
  taskGraceMs: 10_000,
  notFoundRetryMs: 250,
  firstBackoffMs: 500,
  maxBackoffMs: 10_000,
  unreachableLimitMs: 5 * 60_000,
  jobPollMs: 3_000,
  cancelWaitMs: 10_000,
  jobLookupPauseMs: 1_000,
  sharedPollMs: 500,
  claimRenewalMs: 10_000,
};

export interface FollowContext {
  client: ConnectClient;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal: AbortSignal;
  timing: FollowTiming;
}

/**
 * Outcome of following a render. `unknown` means the gateway lost the render and Connect
 * cannot tell how it ended. `aborted` means the gateway closed first. The `reason` of a
 * failure is the full text, possibly several lines from Connect, not yet redacted.
 * `cancelled` means that the gateway's kill order ended the render, and `by` is the `who` of
 * the cancel request. `finishedAt` is Connect's end time when known. `seenLate` is true when
 * polls of the task failed before its end showed, so that the end may have come well before
 * the gateway saw it.
 */
export type FollowOutcome =
  | { kind: 'succeeded'; finishedAt?: Date; seenLate?: boolean }
  | { kind: 'failed'; reason: string; finishedAt?: Date; seenLate?: boolean }
  | { kind: 'cancelled'; by: string; finishedAt?: Date }
  | { kind: 'unknown'; reason: string; finishedAt?: Date }
  | { kind: 'aborted' };

/** Receiver of a render's output lines: a render record, or the records of a shared render. */
export interface OutputSink {
  appendOutput(lines: readonly string[]): void;
}

/**
 * Polls the render's Connect task until it finishes, appending its output to `record`.
 * This is the only loop that polls Connect for the render; clients read the records.
 * Success needs `finished` with `code === 0`. Never rejects.
 */
export async function followRender(
  record: OutputSink,
  started: RenderStarted,
  context: FollowContext,
): Promise<FollowOutcome> {
  const { client, signal } = context;
  const poll = new PollState(started.taskId, context);
  let first = 0;

  while (!signal.aborted) {
    let task: Task;
    try {
      task = await client.getTask(started.taskId, {
        first,
        wait: TASK_POLL_WAIT_SECONDS,
        cookie: started.cookie,
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        break;
      }
      const next = poll.afterError(error);
      if (typeof next !== 'number') {
        return next;
      }
      if (!(await pause(next, signal))) {
        break;
      }
      continue;
    }

    poll.afterTask();
    record.appendOutput(task.output);
    first = task.last;
    if (task.finished) {
      const outcome: FollowOutcome =
        task.code === 0 ? { kind: 'succeeded' } : failed(taskFailureReason(task));
      return poll.hadFailures ? { ...outcome, seenLate: true } : outcome;
    }
  }
  return { kind: 'aborted' };
}

/** Retry bookkeeping of one poll loop: streaks of "task not found" and of transient errors. */
class PollState {
  private readonly followStartMs = Date.now();
  private sawTask = false;
  private lostSinceMs: number | null = null;
  private failingSinceMs: number | null = null;
  private backoffMs: number;
  /** True once a poll of the task failed, even when later polls succeeded. */
  hadFailures = false;

  constructor(
    private readonly taskId: string,
    private readonly context: FollowContext,
  ) {
    this.backoffMs = context.timing.firstBackoffMs;
  }

  afterTask(): void {
    this.sawTask = true;
    this.lostSinceMs = null;
    this.failingSinceMs = null;
    this.backoffMs = this.context.timing.firstBackoffMs;
  }

  /** Returns the pause before the next poll, or the outcome when the render counts as failed. */
  afterError(error: unknown): number | FollowOutcome {
    this.hadFailures = true;
    if (isTaskNotFound(error)) {
      return this.afterTaskNotFound();
    }
    if (isTransient(error)) {
      return this.afterTransientError(error);
    }
    this.context.logger.warn(
      { taskId: this.taskId, ...connectFailureFields(error), reason: messageOf(error) },
      'Connect rejected the render task poll',
    );
    return failed(describeRejectedPoll(error));
  }

  /**
   * Connect may not know a task for a moment after starting it, and a cluster node may lose
   * one. Both count as pending until the streak lasts taskGraceMs, measured from the start of
   * following for a task never seen.
   */
  private afterTaskNotFound(): number | FollowOutcome {
    this.lostSinceMs ??= this.sawTask ? Date.now() : this.followStartMs;
    const lostForMs = Date.now() - this.lostSinceMs;
    if (lostForMs < this.context.timing.taskGraceMs) {
      return this.context.timing.notFoundRetryMs;
    }
    this.context.logger.warn({ taskId: this.taskId, lostForMs }, 'Connect lost the render task');
    return unknownOutcome(
      this.sawTask
        ? 'Connect no longer knows the render task, so its outcome is unknown.'
        : 'Connect did not find the render task it had just started, so its outcome is unknown.',
    );
  }

  private afterTransientError(error: unknown): number | FollowOutcome {
    const { logger, timing } = this.context;
    this.failingSinceMs ??= Date.now();
    const failingForMs = Date.now() - this.failingSinceMs;
    const fields = {
      taskId: this.taskId,
      ...connectFailureFields(error),
      reason: messageOf(error),
    };

    if (failingForMs >= timing.unreachableLimitMs) {
      logger.warn(
        { ...fields, failingForMs },
        'Gave up following the render because Connect kept failing',
      );
      return unknownOutcome(
        'Connect stayed unreachable while the render ran, so its outcome is unknown.');
    }
    const pauseMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, timing.maxBackoffMs);
    logger.warn({ ...fields, retryInMs: pauseMs }, 'Polling the render task failed; retrying');
    return pauseMs;
  }
}

/** Returns an error's message for a log line's `reason`; see connectFailureReason. */
export function messageOf(error: unknown): string {
  return connectFailureReason(error);
}

/** Network errors, timeouts, server errors, rate limits and malformed responses may pass. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ConnectUnreachableError || error instanceof ConnectResponseError) {
    return true;
  }
  return error instanceof ConnectApiError && (error.status >= 500 || error.status === 429);
}

function describeRejectedPoll(error: unknown): string {
  if (error instanceof ConnectApiError) {
    const code = error.code === null ? '' : `, code ${error.code}`;
    return `Connect rejected the poll of the render task (HTTP ${error.status}${code}).`;
  }
  return 'Following the render task failed; see the gateway log.';
}

/** Returns Connect's error text of a failed task, or a sentence with its code when empty. */
export function taskFailureReason(task: Pick<Task, 'code' | 'error'>): string {
  return task.error.trim() === ''
    ? `Connect reported the render as failed with code ${task.code}.`
    : task.error;
}

/**
 * Makes a failure reason one line of at most MAX_REASON_LENGTH characters: its first
 * non-empty line, with runs of white space collapsed. Redact the reason before, so that a
 * cut cannot leave part of a secret that redaction no longer recognizes.
 */
export function summarizeReason(reason: string): string {
  const firstLine = reason
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .find((line) => line !== '');
  const summary = firstLine ?? 'The render failed without a reason.';
  return summary.length > MAX_REASON_LENGTH
    ? `${summary.slice(0, MAX_REASON_LENGTH - 1)}…`
    : summary;
}

export function failed(reason: string): Extract<FollowOutcome, { kind: 'failed' }> {
  return { kind: 'failed', reason };
}

export function unknownOutcome(reason: string): Extract<FollowOutcome, { kind: 'unknown' }> {
  return { kind: 'unknown', reason };
}

/** Waits `ms`; returns false when `signal` aborted first. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
