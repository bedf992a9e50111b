/** Formats a soak result as Markdown tables for BENCHMARKS.md. */
import { mebibytes, type SoakResult } from './soak-run.js';
import { SOAK_REPORTS } from './soak-servers.js';

export function formatSoakReport(result: SoakResult, command: string): string {
  const { stats, options, logs } = result;
  const memory = result.memory;
  const first = memory[0];
  const last = memory.at(-1);
  const maxRss = Math.max(...memory.map((each) => each.rssBytes));
  const maxHeap = Math.max(...memory.map((each) => each.heapUsedBytes));
  const sorted = [...stats.clickToEndMs].sort((a, b) => a - b);
  const seconds = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

  const summary: Array<[string, string]> = [
    ['run', `${(result.durationMs / 60_000).toFixed(1)} min: ${options.minutes} min of clicks, then up to ${options.drainSeconds} s for renders in flight`],
    ['clients', `${options.clients}, on ${SOAK_REPORTS.length} reports, ${options.thinkSeconds[0]}–${options.thinkSeconds[1]} s between clicks`],
    ['faults', options.faults ? `on, one phase per ${options.faultWindowSeconds} s window (table below)` : 'off'],
    ['clicks', String(stats.clicks)],
    ['accepted (202)', `${stats.accepted}, of which ${stats.joined} joined a running render`],
    ['refused (429)', formatCounts(stats.refused) || '0'],
    ['renders started', `${result.standInRenders} on the stand-in, ${logs.rendersStarted} by the gateway`],
    ['renders started per accepted click', stats.accepted === 0 ? '–' : (result.standInRenders / stats.accepted).toFixed(3)],
    ['renders seen to end', formatCounts(stats.outcomes) || '0'],
    ['click to end seen, p50 / p95 / max', `${seconds(percentile(0.5))} / ${seconds(percentile(0.95))} / ${seconds(sorted.at(-1))} s`],
    ['progress requests', String(stats.polls)],
    ['failed requests', String([...stats.errors.values()].reduce((sum, count) => sum + count, 0))],
    ['stuck clients', String(stats.stuck)],
    ['gateway log', `${sumCounts(logs.warnings)} warnings, ${sumCounts(logs.errors)} errors`],
    ['gateway exit during the run', result.gatewayExit ?? 'none'],
    ['gateway RSS, start / end / max', `${mebibytes(first?.rssBytes ?? 0)} / ${mebibytes(last?.rssBytes ?? 0)} / ${mebibytes(maxRss)} MiB`],
    ['gateway heap after GC, start / end / max', `${mebibytes(first?.heapUsedBytes ?? 0)} / ${mebibytes(last?.heapUsedBytes ?? 0)} / ${mebibytes(maxHeap)} MiB`],
  ];

  const lines = [
    `Command: \`${command}\``,
    '',
    table(['measure', 'value'], summary),
    '',
    'Per minute (memory: the last sample of the minute):',
    '',
    table(['minute', 'faults', 'clicks', 'accepted', 'renders ended', 'of which failed', 'failed requests', 'stuck', 'RSS MiB', 'heap MiB'], stats.minutes.map((counts, index) => {
      const sample = [...memory].reverse().find((each) => each.atMs < (index + 1) * 60_000);
      const window = [...result.faultWindows].reverse().find((each) => each.startMs <= index * 60_000);
      const faults = window === undefined || index * 60_000 >= options.minutes * 60_000 ? 'none' : window.phase;
      return [String(index + 1), faults, String(counts.clicks), String(counts.accepted), String(counts.ended),
        String(counts.failed), String(counts.errors), String(counts.stuck), mebibytes(sample?.rssBytes ?? 0), mebibytes(sample?.heapUsedBytes ?? 0)];
    })),
  ];
  if (stats.errors.size > 0) {
    lines.push('', 'Failed requests by kind (the client retried each failed progress request):', '',
      table(['request and outcome', 'count'], sortedEntries(stats.errors)));
  }
  if (stats.failureReasons.size > 0) {
    lines.push('', 'Reasons of failed renders:', '', table(['reason', 'count'], sortedEntries(stats.failureReasons)));
  }
  if (logs.warnings.size + logs.errors.size > 0) {
    lines.push('', 'Gateway log lines at warn level and above:', '',
      table(['message', 'count'], [...sortedEntries(logs.errors), ...sortedEntries(logs.warnings)]));
  }
  if (stats.stuckExamples.length > 0) {
    lines.push('', 'Stuck clients:', '', ...stats.stuckExamples.map((example) => `- ${example}`));
  }
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

function sortedEntries(counts: Map<string, number>): string[][] {
  return [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => [key, String(count)]);
}

function formatCounts(counts: Map<string, number>): string {
  return [...counts].map(([key, count]) => `${key}: ${count}`).join(', ');
}

function sumCounts(counts: Map<string, number>): number {
  return [...counts.values()].reduce((sum, count) => sum + count, 0);
}
