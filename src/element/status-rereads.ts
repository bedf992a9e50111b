import { isPageHidden } from './page-visibility.js';

/** Time in ms after the last status read before the element reads the status again by itself. */
export const STATUS_REREAD_MS = 60_000;

/**
 * Minimum time in ms since a status read started or ended, or a followed render ended, before
 * the page's return makes another read. Someone who switches tabs back and forth gets at most
 * one read in this time, and a render that starts meanwhile shows at the next return after it.
 */
export const RETURN_REREAD_MIN_MS = 5000;

/**
 * Status reads that the element makes by itself, so that renders started elsewhere show up:
 * about every STATUS_REREAD_MS while the page is visible, and at once when the page becomes
 * visible again, unless a read ended or started less than RETURN_REREAD_MIN_MS before. While
 * the page is hidden no read starts. A read requested meanwhile waits for the page to become
 * visible, and then only one read is made, however recent the last one.
 */
export class StatusRereads {
  private lastReadAt = Date.now();
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private deferred = false;
  private readonly canRead: () => boolean;
  private readonly read: () => void;
  private readonly onVisibilityChange = () => this.pageVisibilityChanged();

  /**
   * `canRead` returns whether a read is useful now, such as while idle, and `read` starts one.
   */
  constructor(canRead: () => boolean, read: () => void) {
    this.canRead = canRead;
    this.read = read;
  }

  /** True while reads should be made on the clock's ticks. */
  get wanted(): boolean {
    return !isPageHidden() && this.canRead();
  }

  /** Starts listening for `visibilitychange`. */
  connect(): void {
    document.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  /** Stops listening and drops a read that waits for the page to become visible. */
  disconnect(): void {
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.deferred = false;
  }

  /** Notes that the status was just read, or that a followed render just ended. */
  markRead(): void {
    this.lastReadAt = Date.now();
  }

  /** Notes that a status read just started. */
  markStarted(): void {
    this.lastStartedAt = Date.now();
  }

  /**
   * Returns true, and keeps the read for later, when the page is hidden. Call before every
   * status read that the element starts by itself.
   */
  deferWhileHidden(): boolean {
    if (!isPageHidden()) {
      return false;
    }

    this.deferred = true;

    return true;
  }

  /** Starts a read on a clock tick when the last read is STATUS_REREAD_MS old. */
  tick(): void {
    if (this.wanted && Date.now() - this.lastReadAt >= STATUS_REREAD_MS) {
      this.read();
    }
  }

  private pageVisibilityChanged(): void {
    if (isPageHidden()) {
      return;
    }

    if (this.deferred) {
      this.deferred = false;
      this.read();
    } else if (this.canRead() && !this.readRecently()) {
      this.read();
    }
  }

  private readRecently(): boolean {
    return isRecent(this.lastReadAt) || isRecent(this.lastStartedAt);
  }
}

/**
 * Returns whether `time` (ms since the epoch) lies less than RETURN_REREAD_MIN_MS in the past.
 * A time in the future means that the clock went back since, so it counts as not recent.
 */
function isRecent(time: number): boolean {
  const age = Date.now() - time;

  return age >= 0 && age < RETURN_REREAD_MIN_MS;
}
