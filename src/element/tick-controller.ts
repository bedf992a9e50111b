import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The element whose shown times a TickController keeps current. */
export interface TickHost extends ReactiveControllerHost {
  readonly isConnected: boolean;
}

/**
 * Re-renders the host when its shown times go stale, with one timer per host. After each update
 * it calls `nextDelay` for the time in ms that the shown text stays current (null when nothing
 * needs updating) and sets a timer for that long. Disconnecting clears the timer.
 */
export class TickController implements ReactiveController {
  private readonly host: TickHost;
  private readonly nextDelay: () => number | null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: TickHost, nextDelay: () => number | null) {
    this.host = host;
    this.nextDelay = nextDelay;
    host.addController(this);
  }

  hostConnected(): void {
    // After a reconnect the times are stale and no timer runs: render again, which sets one.
    this.host.requestUpdate();
  }

  hostUpdated(): void {
    this.clear();
    const delayMs = this.nextDelay();

    if (!this.host.isConnected || delayMs === null || !Number.isFinite(delayMs)) {
      return;
    }

    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.host.requestUpdate();
    }, Math.max(1, Math.ceil(delayMs)));
  }

  hostDisconnected(): void {
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
