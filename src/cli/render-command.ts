import { roundSeconds } from './delay.js';
import { exitCodeHelp, type ExitStatus } from './exit-codes.js';
import { UsageError } from './options.js';
import { writeOutput } from './output-streams.js';
import { parseOptions } from './parse-options.js';
import type { ProgressStream } from './progress-line.js';
import { watchRender, type RenderResult } from './render-watch.js';
import { createSource, sourceEnvironment, sourceUsage } from './source-options.js';

export const renderUsage = `Usage: connect-refresh render <report> [--gateway URL [--variant KEY]] [--timeout SECONDS]
       [--no-wait] [--json]

Renders a report on Posit Connect and waits for the render to end. When a render of the
report already runs, the command joins it instead of starting another. Without --gateway,
<report> is a content GUID and the command calls Connect with CONNECT_SERVER and
CONNECT_API_KEY.

The render log goes to standard error as it arrives, without Connect's timestamps. On a
terminal a live line below it shows the elapsed time and the typical duration of recent
renders. A render job that was started elsewhere can be joined only through its job, so
without --gateway its log is not shown.

Options:
${sourceUsage}
  --timeout SECONDS stop waiting after this many seconds (decimals allowed), counted from
                    the render request, and exit with status 5; the render goes on.
                    Default: wait until the render ends
  --no-wait         start or join the render and exit at once; prints the task id (or, for
                    a joined render job, nothing) on standard output
  --json            print one JSON object on standard output at the end: report, guid,
                    task, job, joined, state (succeeded, failed, unknown, cancelled,
                    running or null), started_at, finished_at, duration (seconds) and error

${sourceEnvironment}

${exitCodeHelp}`;

/** Largest --timeout, in seconds: setTimeout's limit of 2^31 - 1 ms. */
const MAX_TIMEOUT_S = 2_147_483;

function parseTimeout(value: string | undefined): number | null {
  if (value === undefined) {
    return null;
  }
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > MAX_TIMEOUT_S) {
    throw new UsageError(`--timeout must be a number of seconds above 0 and at most ${MAX_TIMEOUT_S}, ` +
      `not "${value}".`);
  }
  return seconds;
}

/**
 * Joins `--timeout -1` into `--timeout=-1`. parseArgs takes a value that starts with "-" for
 * an option and rejects it with its own message, so parseTimeout would never see it.
 */
function joinNegativeTimeout(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--timeout' && /^-[\d.]/.test(args[i + 1] ?? '')) {
      joined.push(`--timeout=${args[i + 1]}`);
      i += 1;
    } else {
      joined.push(args[i]!);
    }
  }
  return joined;
}

/** Builds the object that --json prints. Times are RFC 3339 strings in UTC, the duration in seconds. */
export function resultJson(result: RenderResult, report: string, guid: string | null): Record<string, unknown> {
  const start = result.start;
  const finishedAt = result.finishedAt;
  const duration = start !== null && finishedAt !== null
    ? roundSeconds((finishedAt.getTime() - start.startedAt.getTime()) / 1000)
    : null;
  return {
    report: start?.report ?? report,
    guid: start?.guid ?? guid,
    task: start?.task ?? null,
    job: start?.job ?? null,
    joined: start?.joined ?? false,
    state: result.state,
    started_at: start?.startedAt.toISOString() ?? null,
    finished_at: finishedAt?.toISOString() ?? null,
    duration,
    error: result.error,
  };
}

/** Returns standard error as a progress stream that drops its output once the stream has failed. */
function standardError(): ProgressStream {
  return {
    isTTY: process.stderr.isTTY,
    get columns() {
      return process.stderr.columns;
    },
    write: (text: string) => writeOutput(process.stderr, text),
  };
}

/**
 * Runs `connect-refresh render` and resolves with the exit status. SIGINT and SIGTERM end
 * the wait, not the render.
 */
export async function runRender(args: string[], env: NodeJS.ProcessEnv): Promise<ExitStatus> {
  const { values, positionals } = parseOptions({
    args: joinNegativeTimeout(args),
    allowPositionals: true,
    options: {
      gateway: { type: 'string' },
      variant: { type: 'string' },
      timeout: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) {
    throw new UsageError(`Expected one report (a GUID, or a report name with --gateway), got ${positionals.length}.`);
  }
  const target = positionals[0]!;
  const timeoutS = parseTimeout(values.timeout);
  const source = createSource(target, values.gateway, env, values.variant);

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: RenderResult;
  try {
    result = await watchRender({
      source, target, wait: !values['no-wait'], timeoutS, stderr: standardError(), stopSignal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  if (values.json) {
    const guid = values.gateway === undefined ? target.toLowerCase() : null;
    writeOutput(process.stdout, `${JSON.stringify(resultJson(result, target, guid))}\n`);
  } else if (values['no-wait'] && result.start?.task) {
    writeOutput(process.stdout, `${result.start.task}\n`);
  }
  return result.exitCode;
}
