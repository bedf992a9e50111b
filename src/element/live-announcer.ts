import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Minimum time in ms between two changes of the live region's text. A screen reader needs about
 * this long to speak a short sentence such as "Refresh started.", so an announcement that comes
 * sooner waits, and a newer one replaces it while it waits. This is an estimate, not a measured
 * speech time.
 */
export const ANNOUNCEMENT_GAP_MS = 1500;

/**
 * Text of the element's polite live region, changed at most once per ANNOUNCEMENT_GAP_MS. When
 * a start and an end come close together, people hear the end and not a queue of stale news.
 * The same message twice in a row is announced once. An empty message clears the region at once
 * and drops an announcement that waits, so that the next message is a change again.
 */
export class LiveAnnouncer implements ReactiveController {
  /** Text that the host renders in its live region. */
  text = '';

  private readonly host: ReactiveControllerHost;
  private requested = '';
  private pending: string | null = null;
  private lastChangeAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Shows `message` in the live region now, or after the gap since the last change. */
  announce(message: string): void {
    if (message === this.requested) {
      return;
    }

    this.requested = message;

    if (message === '') {
      this.cancel();
      this.text = '';
      return;
    }

    const wait = this.lastChangeAt + ANNOUNCEMENT_GAP_MS - Date.now();

    if (wait <= 0 && this.timer === null) {
      this.show(message);
      return;
    }

    this.pending = message;
    this.timer ??= setTimeout(() => this.showPending(), Math.max(wait, 0));
  }

  /** Shows a waiting announcement at once, because a detached element's region is not heard. */
  hostDisconnected(): void {
    if (this.pending !== null) {
      this.text = this.pending;
    }

    this.cancel();
  }

  private showPending(): void {
    this.timer = null;

    if (this.pending !== null) {
      this.show(this.pending);
      this.pending = null;
      this.host.requestUpdate();
    }
  }

  private show(message: string): void {
    this.text = message;
    this.lastChangeAt = Date.now();
  }

  private cancel(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }

    this.pending = null;
  }
}
