import { delay } from './backoff.js';

/**
 * A wait that the gateway asked for with HTTP 429 and `Retry-After`, timed on the browser's
 * clock. Its timer stops while the element is disconnected and starts again on reconnect, and
 * `onEnd` runs once when the wait is over.
 */
export class Cooldown {
  /** End of the wait in ms since the epoch (browser clock), or null when no wait runs. */
  endsAt: number | null = null;

  private readonly onEnd: () => void;
  private timer: AbortController | null = null;

  constructor(onEnd: () => void) {
    this.onEnd = onEnd;
  }

  /** Starts a wait of `waitMs`, replacing any wait that runs. */
  begin(waitMs: number): void {
    this.cancel();
    this.endsAt = Date.now() + waitMs;
    this.schedule(this.endsAt);
  }

  /** Starts the timer again after `pause`; a wait that ended meanwhile ends at once. */
  resume(): void {
    if (this.endsAt !== null && this.timer === null) {
      this.schedule(this.endsAt);
    }
  }

  /** Stops the timer but keeps the end of the wait. */
  pause(): void {
    this.timer?.abort();
    this.timer = null;
  }

  /** Drops the wait without calling `onEnd`. */
  cancel(): void {
    this.pause();
    this.endsAt = null;
  }

  private schedule(endsAt: number): void {
    const timer = new AbortController();
    this.timer = timer;

    delay(Math.max(0, endsAt - Date.now()), timer.signal).then(() => {
      // A newer begin or pause replaced this timer after it fired.
      if (this.timer !== timer) {
        return;
      }

      this.timer = null;
      this.endsAt = null;
      this.onEnd();
    }, () => {
      // Paused or cancelled: the wait stays or is gone, and onEnd does not run.
    });
  }
}
