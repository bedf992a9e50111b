/**
 * Events of `<connect-refresh-button>`. All of them bubble and are composed, so a dashboard can
 * listen on `document` even when the element sits in another element's shadow root. Every
 * detail carries the report, the render's handle and state, and the last render time, so that a
 * host can act on one event without reading the element.
 */

/** Detail of `connect-refresh-start`. */
export interface RefreshStartDetail {
  /** Report name, as in the element's `report` attribute. */
  report: string;
  /** Gateway handle of the render that the element follows. */
  handle: string;
  /** State of the render, always `running`. */
  state: 'running';
  /** Start time of the render (RFC 3339), as the gateway sent it. */
  startedAt: string;
  /**
   * Completion time of the report's last successful render before this one (RFC 3339), or null
   * when the report never rendered or the element has not read its status yet.
   */
  lastRenderedAt: string | null;
  /**
   * True when the element did not start the render: the gateway joined the refresh request to a
   * running render, or the element found the render running when it read the report's status.
   */
  joined: boolean;
}

/** Detail of `connect-refresh-success`. */
export interface RefreshSuccessDetail {
  report: string;
  handle: string;
  /** State of the render, always `succeeded`. */
  state: 'succeeded';
  /** Completion time of the render (RFC 3339), or null when the gateway sent none. */
  lastRenderedAt: string | null;
}

/** Detail of `connect-refresh-error`. */
export interface RefreshErrorDetail {
  report: string;
  /** Handle of the render that failed, or null when the error came before a render started. */
  handle: string | null;
  /**
   * State of the render as the element last knew it: `failed` when the render failed
   * (`render_failed`), `unknown` when the gateway lost the render (`render_unknown`), `cancelled`
   * when a report owner cancelled it (`render_cancelled`), `running` when a request failed while
   * the element followed a render that may go on, such as a request to cancel it, or null when no
   * render was followed.
   */
  state: 'running' | 'failed' | 'unknown' | 'cancelled' | null;
  /**
   * Completion time of the report's last successful render (RFC 3339), or null when the report
   * never rendered or the element has not read its status yet.
   */
  lastRenderedAt: string | null;
  /**
   * Gateway error code (such as `connect_forbidden`), `render_failed` for a failed render,
   * `render_unknown` for a render whose outcome the gateway lost, `render_cancelled` for a
   * cancelled one, `network_error`, `invalid_response`, `http_error`, `offline` while the browser
   * is offline, or `token_unavailable` / `invalid_token` when the element could not get a token it
   * can send.
   */
  code: string;
  /** The message that the element shows. */
  message: string;
  /**
   * The gateway's own words: the `message` of its error body, or the short reason of a failed
   * render. Null when the gateway sent none, such as after a network error.
   */
  gatewayMessage: string | null;
}

const eventInit: EventInit = { bubbles: true, composed: true };

/** Fired when the element starts following a render, whether it started, joined or resumed it. */
export class RefreshStartEvent extends CustomEvent<RefreshStartDetail> {
  static readonly type = 'connect-refresh-start';

  constructor(detail: RefreshStartDetail) {
    super(RefreshStartEvent.type, { ...eventInit, detail });
  }
}

/** Fired when the followed render succeeded. */
export class RefreshSuccessEvent extends CustomEvent<RefreshSuccessDetail> {
  static readonly type = 'connect-refresh-success';

  constructor(detail: RefreshSuccessDetail) {
    super(RefreshSuccessEvent.type, { ...eventInit, detail });
  }
}

/**
 * Fired when a request failed or was refused (including a cooldown), the gateway is unavailable,
 * or the followed render failed, its outcome became unknown, or it was cancelled.
 */
export class RefreshErrorEvent extends CustomEvent<RefreshErrorDetail> {
  static readonly type = 'connect-refresh-error';

  constructor(detail: RefreshErrorDetail) {
    super(RefreshErrorEvent.type, { ...eventInit, detail });
  }
}

declare global {
  interface HTMLElementEventMap {
    'connect-refresh-start': RefreshStartEvent;
    'connect-refresh-success': RefreshSuccessEvent;
    'connect-refresh-error': RefreshErrorEvent;
  }
}
