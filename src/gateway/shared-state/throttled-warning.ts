import type { FastifyBaseLogger } from 'fastify';

/** Minimum time between two lines of one throttled warning, in ms. */
export const WARNING_INTERVAL_MS = 60_000;

/**
 * A warning that repeats while a failure lasts, such as an unreachable Redis: it is logged at
 * most once per WARNING_INTERVAL_MS, with the number of repeats it left out since the last line.
 */
export class ThrottledWarning {
  private lastWarnedAtMs = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly logger: FastifyBaseLogger,
    private readonly message: string,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, unknown>): void {
    const nowMs = this.now();
    if (nowMs - this.lastWarnedAtMs < WARNING_INTERVAL_MS) {
      this.suppressed += 1;
      return;
    }
    this.logger.warn({ ...fields, suppressed: this.suppressed }, this.message);
    this.lastWarnedAtMs = nowMs;
    this.suppressed = 0;
  }
}
