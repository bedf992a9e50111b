import { RefreshErrorEvent } from './events.js';
import { describeCancelFailure } from './failures.js';
import type { RefreshDisplay } from './refresh-display.js';
import { READY_TO_CANCEL } from './refresh-view.js';
import type { Target } from './render-follow.js';

/** A request to cancel one render, with the controller that aborts it. */
interface PendingCancel {
  handle: string;
  controller: AbortController;
}

/**
 * Requests to cancel the render that the element follows, one at a time. The request only
 * orders the end: the element's poll of the render shows the end, `cancelled` or the end the
 * render reached first. A request that fails leaves the render running and shows why, with a
 * `connect-refresh-error` event whose state is `running`.
 */
export class RenderCancellation {
  private pending: PendingCancel | null = null;
  private readonly display: RefreshDisplay;
  private readonly followedHandle: () => string | null;

  /** `followedHandle` returns the handle of the render that the element follows now, or null. */
  constructor(display: RefreshDisplay, followedHandle: () => string | null) {
    this.display = display;
    this.followedHandle = followedHandle;
  }

  /** Sends a request to cancel the render, unless one is on its way. */
  send(target: Target, handle: string): void {
    if (this.pending !== null) {
      return;
    }

    const request = { handle, controller: new AbortController() };
    this.pending = request;
    this.display.showCancel({ ...READY_TO_CANCEL, state: 'sending' });
    target.gateway.cancelRender(handle, request.controller.signal).then(
      () => this.accepted(request),
      (error: unknown) => this.failed(request, target.report, error),
    );
  }

  /** Stops waiting for the response, such as when the element leaves the page. */
  abort(): void {
    this.pending?.controller.abort();
    this.pending = null;
  }

  /** Returns whether the response to `request` still concerns what the element shows. */
  private settle(request: PendingCancel): boolean {
    if (this.pending !== request) {
      return false;
    }

    this.pending = null;
    const { status, view } = this.display;

    return status === 'running' && view.cancel.state === 'sending'
      && this.followedHandle() === request.handle;
  }

  /**
   * Shows that the gateway ordered the end. A render that has ended already shows its end as
   * soon as the poll brings it, so the control shows the order until then in every case.
   */
  private accepted(request: PendingCancel): void {
    if (this.settle(request)) {
      this.display.showCancel({ ...READY_TO_CANCEL, state: 'ordered' });
    }
  }

  private failed(request: PendingCancel, report: string, error: unknown): void {
    if (request.controller.signal.aborted || !this.settle(request)) {
      return;
    }

    const { code, message, gatewayMessage } = describeCancelFailure(error, report);
    const { view } = this.display;
    const lastRenderedAt = view.lastRenderedAt ?? null;
    const cancel = { state: 'ready' as const, failure: message, detail: gatewayMessage ?? '' };

    this.display.apply({
      view: { ...view, cancel, announcement: message },
      status: 'running',
      event: (messages) => new RefreshErrorEvent({
        report,
        handle: request.handle,
        state: 'running',
        lastRenderedAt,
        code,
        message: message(messages),
        gatewayMessage,
      }),
    });
  }
}
