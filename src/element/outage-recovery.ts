import { type Backoff, delay, retryDelay } from './backoff.js';

/** Backoff of the status reads after an outage: steps of 5 s, 10 s, 20 s, 40 s, then 60 s. */
export const RECOVERY_BACKOFF: Backoff = { firstStepMs: 5000, maxStepMs: 60_000 };

/**
 * Status reads that the element schedules by itself after an outage, so that it recovers without
 * a click. The delays follow RECOVERY_BACKOFF with jitter, and each lasts at least the wait in
 * the failed response's `Retry-After`. `onDue` runs when a read is due.
 */
export class OutageRecovery {
  /** True from an outage until `end`, such as after a status read that succeeds. */
  active = false;

  private readonly onDue: () => void;
  private attempt = 0;
  private timer: AbortController | null = null;

  constructor(onDue: () => void) {
    this.onDue = onDue;
  }

  /** Schedules the next status read after an outage; `retryAfterMs` is null without a header. */
  schedule(retryAfterMs: number | null): void {
    this.pause();
    this.active = true;

    const backoffMs = retryDelay(this.attempt, Math.random, RECOVERY_BACKOFF);
    const timer = new AbortController();
    this.attempt += 1;
    this.timer = timer;

    delay(Math.max(backoffMs, retryAfterMs ?? 0), timer.signal).then(() => {
      // A newer schedule or pause replaced this timer after it fired.
      if (this.timer !== timer) {
        return;
      }

      this.timer = null;
      this.onDue();
    }, () => {
      // Paused: the outage stays, and the next status read decides whether it is over.
    });
  }

  /**
   * Marks an outage without scheduling a read, such as while the browser is offline, so that the
   * next status read that succeeds ends it.
   */
  hold(): void {
    this.pause();
    this.active = true;
  }

  /** Stops the timer but keeps the outage, such as while a click's run reads the status. */
  pause(): void {
    this.timer?.abort();
    this.timer = null;
  }

  /** Ends the outage and starts the backoff from its first step again. */
  end(): void {
    this.pause();
    this.active = false;
    this.attempt = 0;
  }
}
