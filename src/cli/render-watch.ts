import { roundSeconds } from './delay.js';
import { CommandError, ExitCode, type ExitStatus } from './exit-codes.js';
import { ProgressLine, typicalDuration, type ProgressStream } from './progress-line.js';
import type { RenderEnd, RenderSource, RenderStart } from './render-source.js';
import { collapseCarriageReturns, stripControlCharacters } from './terminal-text.js';

export interface WatchOptions {
  source: RenderSource;
  /** Report name or GUID as given on the command line, for messages before the start. */
  target: string;
  /** False returns as soon as the render started or was joined (--no-wait). */
  wait: boolean;
  /** Seconds to wait for the end, or null to wait without a limit. */
  timeoutS: number | null;
  /** Standard error, or a stand-in for it in tests. */
  stderr: ProgressStream;
  /** Aborts on SIGINT or SIGTERM, with the signal's name as its reason. */
  stopSignal: AbortSignal;
}

/** Outcome of a render command. */
export interface RenderResult {
  start: RenderStart | null;
  /**
   * `running` when the command stopped waiting, `unknown` when the gateway lost the render, and
   * null when no render started.
   */
  state: 'running' | 'succeeded' | 'failed' | 'unknown' | 'cancelled' | null;
  finishedAt: Date | null;
  error: string | null;
  exitCode: ExitStatus;
}

/** Abort reason of the timeout, distinct from a stop signal's name. */
const TIMEOUT_REASON = Symbol('timeout');

function exitCodeOfSignal(signal: unknown): ExitStatus {
  return signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
}

function describeStart(start: RenderStart): string {
  if (!start.joined) {
    return `Started a render of ${start.report} (task ${start.task})`;
  }
  if (start.task !== null) {
    return `Joined the running render of ${start.report} (task ${start.task})`;
  }
  return `Joined the running render job ${start.job} of ${start.report}. Connect does not show ` +
    'the task of a render started elsewhere, so its log is not shown; the outcome comes from ' +
    'the job list';
}

/** Names the render, with its task or job, in messages about a render that goes on. */
function renderName(start: RenderStart): string {
  const id = start.task !== null ? `task ${start.task}` : `job ${start.job}`;
  return `the render of ${start.report} (${id})`;
}

/** Returns the warning about a render that has run past the report's maximum duration. */
function stuckWarning(start: RenderStart): string {
  return `Warning: ${renderName(start)} has run past the report's time limit and may be stuck. ` +
    'The command keeps waiting; ask the owner of the report to check it.';
}

/**
 * Starts or joins a render, streams its log to `stderr` with a progress line on a terminal,
 * and waits for its end, the timeout or a stop signal. Never rejects for a failure that has
 * an exit status: it returns the failure as a result.
 */
export async function watchRender(options: WatchOptions): Promise<RenderResult> {
  // The timeout covers the start request too, so a server that never responds cannot
  // hold the command past --timeout.
  const timeout = new AbortController();
  const timer = options.timeoutS === null
    ? null
    : setTimeout(() => timeout.abort(TIMEOUT_REASON), options.timeoutS * 1000);
  try {
    return await startAndWatch(options, timeout.signal);
  } finally {
    if (timer !== null) {
      clearTimeout(timer);
    }
  }
}

async function startAndWatch(options: WatchOptions, timeoutSignal: AbortSignal): Promise<RenderResult> {
  const { source, stderr, stopSignal } = options;
  const say = (text: string) => stderr.write(`connect-refresh: ${stripControlCharacters(text)}\n`);
  const failure = (error: string, exitCode: ExitStatus, start: RenderStart | null = null): RenderResult =>
    ({ start, state: start === null ? null : 'running', finishedAt: null, error, exitCode });
  const signal = AbortSignal.any([stopSignal, timeoutSignal]);

  let start: RenderStart;
  try {
    start = await source.start(signal);
  } catch (error) {
    if (timeoutSignal.aborted) {
      const message = `Timed out after ${options.timeoutS} s before the render request got a response; a ` +
        `render of ${options.target} may have started. Check with "connect-refresh status".`;
      say(message);
      return failure(message, ExitCode.timedOut);
    }
    if (stopSignal.aborted) {
      say(`Stopped (${String(stopSignal.reason)}) before the render request got a response; a render of ` +
        `${options.target} may have started. Check with "connect-refresh status".`);
      return failure('Stopped before the render request got a response.', exitCodeOfSignal(stopSignal.reason));
    }
    if (error instanceof CommandError) {
      say(error.message);
      return failure(error.message, error.exitCode);
    }
    throw error;
  }
  say(`${describeStart(start)}.`);
  if (!options.wait) {
    return { start, state: 'running', finishedAt: null, error: null, exitCode: ExitCode.ok };
  }

  const progress = new ProgressLine(stderr, `Rendering ${start.report}`, start.startedAt);
  progress.start();
  if (progress.isLive) {
    // The durations only feed the progress line, so a failed read leaves it without them.
    source.recentDurations(signal).then((durations) => progress.setTypical(typicalDuration(durations)),
      () => undefined);
  }

  // A line that carriage returns redraw, such as knitr's progress bar, keeps only its final
  // state. Otherwise the carriage returns, which are stripped as control characters, would
  // join every state into one line, on a terminal and in a log file alike.
  const onLine = (line: string) => {
    progress.printLine(stripControlCharacters(collapseCarriageReturns(line)));
  };
  // Printed above the progress line, like a log line, so that a live line stays below it.
  const onStuck = () => progress.printLine(`connect-refresh: ${stuckWarning(start)}`);
  let end: RenderEnd;
  try {
    end = await source.waitForEnd(start, onLine, signal, onStuck);
  } catch (error) {
    progress.stop();
    if (timeoutSignal.aborted) {
      const message = `Timed out after ${options.timeoutS} s waiting for ${renderName(start)}; it goes on on Connect.`;
      say(message);
      return failure(message, ExitCode.timedOut, start);
    }
    if (stopSignal.aborted) {
      const message = `Stopped waiting (${String(stopSignal.reason)}); ${renderName(start)} continues on Connect.`;
      say(message);
      return failure(message, exitCodeOfSignal(stopSignal.reason), start);
    }
    if (error instanceof CommandError) {
      say(error.message);
      return failure(error.message, error.exitCode, start);
    }
    throw error;
  }
  progress.stop();

  const seconds = roundSeconds((end.finishedAt.getTime() - start.startedAt.getTime()) / 1000);
  if (end.state === 'succeeded') {
    say(`The render of ${start.report} succeeded in ${seconds} s.`);
    return { start, state: 'succeeded', finishedAt: end.finishedAt, error: null, exitCode: ExitCode.ok };
  }
  const error = end.error === null ? null : stripControlCharacters(end.error);
  if (end.state === 'unknown') {
    say(`The gateway lost ${renderName(start)}, so its outcome is unknown: it may or may not have ` +
      `finished${error === null ? '' : ` (${error})`}. Check the report with "connect-refresh status", ` +
      'or render it again.');
    return { start, state: 'unknown', finishedAt: null, error, exitCode: ExitCode.unreachable };
  }
  if (end.state === 'cancelled') {
    say(`The render of ${start.report} was cancelled by a report owner after ${seconds} s.`);
    const exitCode = ExitCode.cancelled;
    return { start, state: 'cancelled', finishedAt: end.finishedAt, error, exitCode };
  }
  say(`The render of ${start.report} failed after ${seconds} s: ${error ?? 'no reason given'}`);
  return { start, state: 'failed', finishedAt: end.finishedAt, error, exitCode: ExitCode.renderFailed };
}
