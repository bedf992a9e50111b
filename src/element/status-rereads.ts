import { isPageHidden } from './page-visibility.js';

/** Time in ms after the last status read before the element reads the status again by itself. */
export const STATUS_REREAD_MS = 60_000;

/**
 * Status reads that the element makes by itself, so that renders started elsewhere show up:
 * about every STATUS_REREAD_MS while the page is visible, and at once when the page becomes
 * visible again. While the page is hidden no read starts. A read requested meanwhile waits for
 * the page to become visible, and then only one read is made.
 */
export class StatusRereads {
  private lastReadAt = Date.now();
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

    if (this.deferred || this.canRead()) {
      this.deferred = false;
      this.read();
    }
  }
}
