import { ExitCode, exitCodeHelp, type ExitStatus } from './exit-codes.js';
import { UsageError } from './options.js';
import { writeOutput } from './output-streams.js';
import { parseOptions } from './parse-options.js';
import { formatClock, typicalDuration } from './progress-line.js';
import type { ReportStatusView } from './render-source.js';
import { createSource, sourceEnvironment, sourceUsage } from './source-options.js';

export const statusUsage = `Usage: connect-refresh status <report> [--gateway URL [--variant KEY]] [--json]

Prints when the report last rendered successfully, whether a render runs now, and how long
recent successful renders took. Without --gateway, <report> is a content GUID and the
command calls Connect with CONNECT_SERVER and CONNECT_API_KEY.

Options:
${sourceUsage}
  --json            print one JSON object: report, guid, title, last_rendered_at, running,
                    render (started_at, task, job) and recent_durations (seconds, newest
                    first)

${sourceEnvironment}

${exitCodeHelp}`;

/** Builds the object that --json prints. */
export function statusJson(status: ReportStatusView): Record<string, unknown> {
  return {
    report: status.report,
    guid: status.guid,
    title: status.title,
    last_rendered_at: status.lastRenderedAt,
    running: status.running !== null,
    render: status.running === null
      ? null
      : { started_at: status.running.startedAt, task: status.running.task, job: status.running.job },
    recent_durations: status.recentDurations,
  };
}

/** Formats the status as aligned lines for people. */
export function statusText(status: ReportStatusView, now = new Date()): string {
  const ago = (time: string) => `${formatClock((now.getTime() - Date.parse(time)) / 1000)} ago`;
  const name = status.guid === null ? status.report : `${status.report} (${status.guid})`;
  const lines = [`report:          ${name}`];
  if (status.title !== null) {
    lines.push(`title:           ${status.title}`);
  }
  lines.push(status.lastRenderedAt === null
    ? 'last rendered:   never'
    : `last rendered:   ${status.lastRenderedAt} (${ago(status.lastRenderedAt)})`);
  if (status.running === null) {
    lines.push('rendering now:   no');
  } else {
    const id = status.running.task !== null ? `task ${status.running.task}` : `job ${status.running.job}`;
    lines.push(`rendering now:   yes, since ${status.running.startedAt} (${id})`);
  }
  const typical = typicalDuration(status.recentDurations);
  lines.push(typical === null
    ? 'recent renders:  none known'
    : `recent renders:  ${status.recentDurations.map((seconds) => `${seconds} s`).join(', ')} ` +
      `(typical ${formatClock(typical)})`);
  return lines.join('\n');
}

/** Runs `connect-refresh status` and resolves with the exit status. */
export async function runStatus(args: string[], env: NodeJS.ProcessEnv): Promise<ExitStatus> {
  const { values, positionals } = parseOptions({
    args,
    allowPositionals: true,
    options: {
      gateway: { type: 'string' },
      variant: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) {
    throw new UsageError(`Expected one report (a GUID, or a report name with --gateway), got ${positionals.length}.`);
  }
  const source = createSource(positionals[0]!, values.gateway, env, values.variant);
  const status = await source.readStatus(new AbortController().signal);
  writeOutput(process.stdout, `${values.json ? JSON.stringify(statusJson(status)) : statusText(status)}\n`);
  return ExitCode.ok;
}
