/**
 * Status of `<connect-refresh-button>`, reflected to its `status` attribute:
 * - `idle`: no render is running; the button starts one.
 * - `starting`: the refresh request is on its way to the gateway.
 * - `running`: the element follows a render on Connect.
 * - `succeeded`: the followed render finished; the button starts another one.
 * - `failed`: the refresh request or the followed render failed; the button tries again.
 * - `unavailable`: the gateway, Connect or the report cannot be used; the button does nothing.
 * - `cooldown`: the gateway asked the element to wait (HTTP 429 with `Retry-After`). The button
 *   counts down and does nothing until the time is up, then the status returns to `idle` or
 *   `succeeded`.
 *
 * NOTE: a short outage (HTTP 502/503 or a network error) also ends in `unavailable`. Only a new
 * `gateway` or `report`, or removing and re-adding the element, reads the status again.
 */
export type RefreshStatus =
  | 'idle'
  | 'starting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'unavailable'
  | 'cooldown';

/** Returns whether a refresh is under way, so the button ignores clicks and the status is busy. */
export function isBusy(status: RefreshStatus): boolean {
  return status === 'starting' || status === 'running';
}

/** Returns whether a click in this status starts a refresh. */
export function acceptsRefresh(status: RefreshStatus): boolean {
  return status === 'idle' || status === 'succeeded' || status === 'failed';
}
