/**
 * Status of `<connect-refresh-button>`, reflected to its `status` attribute:
 * - `idle`: no render is running; the button starts one.
 * - `starting`: the refresh request is on its way to the gateway.
 * - `running`: the element follows a render on Connect.
 * - `succeeded`: the followed render finished; the button starts another one.
 * - `failed`: a request or the followed render failed; the button tries again.
 * - `unknown`: the gateway lost the followed render, so its outcome cannot be known. The element
 *   reads the last render time again, and the button starts a new render.
 * - `cancelled`: a report owner cancelled the followed render, so the report keeps its last
 *   output; the button starts another render.
 * - `unavailable`: the gateway cannot serve this element until something changes elsewhere; the
 *   button does nothing.
 * - `cooldown`: the gateway asked the element to wait (HTTP 429 with `Retry-After`). The button
 *   counts down and does nothing until the time is up, then the status returns to `idle` or
 *   `succeeded`.
 *
 * An outage, which may pass by itself, gives `failed`: a network error or timeout, a 2xx
 * response that cannot be read, or an HTTP 5xx response other than 502 `not_renderable`, such
 * as 503 `connect_unavailable` or 502 `connect_error`. The element then reads the status again
 * by itself after a backoff, and a click reads the status before it requests a refresh. The
 * backoff step starts at 5 s and doubles up to 60 s, each delay is half to all of its step
 * (jitter), and a delay lasts at least the response's `Retry-After`. The first read that
 * succeeds returns the status to `idle` or `succeeded`, or follows a render that is running.
 *
 * Only causes that need a change elsewhere give `unavailable`: HTTP 401, 403 (`forbidden`,
 * `connect_forbidden`, `origin_not_allowed`), 404 `unknown_report` and `unknown_variant`, 502
 * `not_renderable`, and a token that the element cannot get or send (`token_unavailable`,
 * `invalid_token`). The element reads the status again when its `gateway`, `report` or
 * `variant` changes or it is added to a page again.
 * After a 401, a 403 `forbidden` or a token error, a new `token` or `tokenProvider` does too.
 * While the browser is offline the status is `unavailable` as well (code `offline`). The element
 * then sends nothing, and the `online` event makes it read the status once.
 *
 * An outage while the element follows a render gives `unavailable` too, from the second failed
 * poll in a row, because the render goes on and a second refresh must not start. The element
 * keeps polling the render with backoff and returns to `running` with the first response, or
 * shows the render's end.
 */
export type RefreshStatus =
  | 'idle'
  | 'starting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'unknown'
  | 'cancelled'
  | 'unavailable'
  | 'cooldown';

/** Returns whether a refresh is under way, so the button ignores clicks and the status is busy. */
export function isBusy(status: RefreshStatus): boolean {
  return status === 'starting' || status === 'running';
}

/** Returns whether a click in this status starts a refresh. */
export function acceptsRefresh(status: RefreshStatus): boolean {
  return status === 'idle' || status === 'succeeded' || status === 'failed' || status === 'unknown'
    || status === 'cancelled';
}
