/**
 * Limits a repeated warning to one log line per interval, and counts the repeats that it
 * left out, so that the next line can report how many there were.
 */
export class WarningThrottle {
  private lastWarnedAtMs = -Infinity;
  private suppressed = 0;

  constructor(private readonly intervalMs: number) {}

  /**
   * Returns the number of warnings left out since the last logged one when this warning
   * should be logged now, or null when it should be left out.
   */
  take(nowMs: number = Date.now()): number | null {
    if (nowMs - this.lastWarnedAtMs < this.intervalMs) {
      this.suppressed += 1;
      return null;
    }
    const suppressed = this.suppressed;
    this.lastWarnedAtMs = nowMs;
    this.suppressed = 0;
    return suppressed;
  }

  /** Returns whether take() would log the warning at `nowMs`. */
  isDue(nowMs: number = Date.now()): boolean {
    return nowMs - this.lastWarnedAtMs >= this.intervalMs;
  }
}
