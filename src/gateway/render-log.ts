import type { RenderState } from '../protocol/index.js';
import type { ReportConfig } from './config.js';

/** Exposure of a report's render log: none, the last lines of a failed render, or all. */
export type LogExposure = ReportConfig['log'];

/**
 * Maximum number of log lines kept per render with `log: full`. Later lines still count in
 * `lineCount`, so clients keep a consistent `next`, but they are not returned.
 */
export const MAX_STORED_LINES = 10_000;
/** Number of last lines that a failed render exposes with `log: errors`. */
export const ERROR_TAIL_LINES = 50;

/**
 * The log of one render, redacted line by line as it arrives, keeping only what the report's
 * exposure can show. Clients read it through a view whose indexes depend on the exposure:
 * - `full`: every line; `next` counts every line produced.
 * - `errors`: nothing while the render runs or after it succeeded; once it failed, its last
 *   ERROR_TAIL_LINES lines, indexed from 0.
 * - `none`: nothing, and `next` stays 0.
 */
export class RenderLog {
  /** Number of lines produced so far, including lines that are not kept. */
  lineCount = 0;
  private readonly stored: string[] = [];
  private readonly tail: string[] = [];

  constructor(
    readonly exposure: LogExposure,
    private readonly redactLine: (line: string) => string,
  ) {}

  append(lines: readonly string[]): void {
    this.lineCount += lines.length;
    if (this.exposure === 'none') {
      return;
    }
    // Every line passes the redactor in order, even when it is not kept, because a private
    // key block is recognized by its first line.
    const redacted = lines.map((line) => this.redactLine(line));
    if (this.exposure === 'full') {
      const room = Math.max(0, MAX_STORED_LINES - this.stored.length);
      this.stored.push(...redacted.slice(0, room));
      return;
    }
    this.tail.push(...redacted);
    this.tail.splice(0, Math.max(0, this.tail.length - ERROR_TAIL_LINES));
  }

  /** Number of lines a client can page through while the render is in `state`. */
  visibleCount(state: RenderState): number {
    switch (this.exposure) {
      case 'full':
        return this.lineCount;
      case 'errors':
        return state === 'failed' ? this.tail.length : 0;
      case 'none':
        return 0;
    }
  }

  /** Returns the visible lines from index `after` on. */
  visibleFrom(after: number, state: RenderState): string[] {
    switch (this.exposure) {
      case 'full':
        return this.stored.slice(after);
      case 'errors':
        return state === 'failed' ? this.tail.slice(after) : [];
      case 'none':
        return [];
    }
  }
}
