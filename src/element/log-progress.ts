/**
 * Reads the progress that knitr and Quarto print into a render log. The shapes, newest tool
 * versions last:
 *
 * - knitr's text progress bar, `  |.....     |  40%`, with ` (label)` after the percentage since
 *   knitr 1.42. Up to knitr 1.41 each bar ends a line of its own. knitr 1.42 redraws the bar
 *   with carriage returns and ends the line only after the last chunk, so a log that is split
 *   at newlines carries its bars all at once when knitting ends.
 * - knitr's plain counter, `2/7 [label]` or `2/7`, which knitr 1.43 and later print in place
 *   of the bar when the output is not a terminal, as in a render on a server.
 * - Quarto's Jupyter engine, `  Cell 2/5: 'label'...Done`, where the line ends once the cell
 *   has run.
 *
 * knitr prints a bar or counter when chunk N starts, so N of M means that chunk N runs. Quarto
 * prints "Done" when cell N has finished.
 */

/** Progress of the render's code, as the tool that runs it counts it. */
export type LogProgress =
  /** knitr's bar: the percentage of chunks, text chunks included, that have started. */
  | { kind: 'percent'; percent: number }
  /** knitr's counter: chunk `step` of `total` runs. */
  | { kind: 'chunk'; step: number; total: number }
  /** Quarto's Jupyter engine: `done` of `total` cells have run. */
  | { kind: 'cell'; done: number; total: number };

const KNITR_BAR = /^\s*\|[.\s]*\|\s*(\d{1,3})%(?:\s+\(.*\))?\s*$/;
// NOTE: The counter's shape comes from knitr's change notes, not from a captured log, because
// knitr 1.43 or later was not at hand.
const KNITR_COUNTER = /^\s*(\d+)\/(\d+)(?:\s+\[.*\])?\s*$/;
const QUARTO_CELL = /^\s*Cell (\d+)\/(\d+)\b/;
const QUARTO_CELL_DONE = /\.\.\.\s*Done\s*$/;

/**
 * Returns the latest progress in `lines`, raw log lines that may contain carriage returns, or
 * null when none of them shows progress. The last match wins, within a line and across lines.
 */
export function latestLogProgress(lines: readonly string[]): LogProgress | null {
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const segments = lines[index]!.split('\r');

    for (let segment = segments.length - 1; segment >= 0; segment -= 1) {
      const progress = parseSegment(segments[segment]!);

      if (progress !== null) {
        return progress;
      }
    }
  }

  return null;
}

/** Returns the fraction of the code that has run, from 0 to 1. */
export function logFraction(progress: LogProgress): number {
  switch (progress.kind) {
    case 'percent':
      return progress.percent / 100;
    case 'chunk':
      return progress.step / progress.total;
    case 'cell':
      return progress.done / progress.total;
  }
}

function parseSegment(text: string): LogProgress | null {
  const bar = KNITR_BAR.exec(text);

  if (bar) {
    const percent = Number(bar[1]);

    return percent <= 100 ? { kind: 'percent', percent } : null;
  }

  const counter = KNITR_COUNTER.exec(text);

  if (counter) {
    const step = Number(counter[1]);
    const total = Number(counter[2]);

    return isStep(step, total) ? { kind: 'chunk', step, total } : null;
  }

  const cell = QUARTO_CELL.exec(text);

  if (cell) {
    const number = Number(cell[1]);
    const total = Number(cell[2]);
    const done = QUARTO_CELL_DONE.test(text) ? number : number - 1;

    return isStep(number, total) ? { kind: 'cell', done, total } : null;
  }

  return null;
}

function isStep(step: number, total: number): boolean {
  return total > 0 && step >= 1 && step <= total;
}
