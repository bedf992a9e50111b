/**
 * Wire types of the refresh gateway's HTTP protocol, shared by the gateway and the element.
 * Types only: this module emits no runtime code, so the browser bundle stays free of
 * server code. Times are RFC 3339 strings in UTC.
 */

/** State of one render, as the gateway reports it. */
export type RenderState = 'running' | 'succeeded' | 'failed';

/** A render in progress, as listed in a report's status. */
export interface RenderSummary {
  /** Opaque id of the render, issued by the gateway. */
  handle: string;
  state: RenderState;
  started_at: string;
}

/** Body of `GET /v1/reports/{name}`. */
export interface ReportStatus {
  name: string;
  title: string;
  /** Completion time of the last successful render, or null when the report never rendered. */
  last_rendered_at: string | null;
  /** The render in progress, or null. */
  render: RenderSummary | null;
  /**
   * Durations in seconds of the report's recent successful renders, newest first, at most 10,
   * rounded to one decimal. Empty when none is known. Clients estimate how long a render takes
   * from these.
   */
  recent_durations: number[];
  /** The gateway's clock when it sent the response. */
  server_time: string;
}

/** Body of the 202 response to `POST /v1/reports/{name}/refresh`. */
export interface RefreshAccepted extends RenderSummary {
  /** True when the request joined a render that was already running. */
  joined: boolean;
}

/** Body of `GET /v1/renders/{handle}?after=N&wait=S`. */
export interface RenderProgress {
  handle: string;
  state: RenderState;
  /** Log lines from index `after` on; empty when the report does not expose its log. */
  output: string[];
  /** Index to pass as `after` in the next request. */
  next: number;
  started_at: string;
  finished_at: string | null;
  /** Short reason of a failed render, otherwise null. */
  error: string | null;
  last_rendered_at: string | null;
  server_time: string;
}

/** Machine-readable error codes of the gateway, with the HTTP status each comes with. */
export type GatewayErrorCode =
  /** 400: malformed request, unknown field, or invalid query parameter. */
  | 'invalid_request'
  /** 401: credentials are missing where the report requires them, or are invalid. */
  | 'unauthenticated'
  /** 401: the signed user token has expired; fetch a fresh one and retry. */
  | 'token_expired'
  /** 403: the caller is known but not on the report's list for this action. */
  | 'forbidden'
  /** 403: the request's `Origin` is not on the gateway's CORS allow-list. */
  | 'origin_not_allowed'
  /**
   * 403: the request's `Host` is not a loopback name or address, and the gateway, which
   * admits anonymous requests because it listens on loopback, serves only those.
   */
  | 'host_not_allowed'
  /** 403: Connect rejected the gateway's API key for this report. */
  | 'connect_forbidden'
  /** 404: no route of that path in the gateway. */
  | 'not_found'
  /** 404: no report of that name in the gateway's configuration. */
  | 'unknown_report'
  /** 404: the handle is malformed, expired, or was not issued by this gateway. */
  | 'unknown_render'
  /** 405: the route exists but not for this method. */
  | 'method_not_allowed'
  /** 415: a state-changing request without `Content-Type: application/json`. */
  | 'unsupported_media_type'
  /** 429: too many requests from this client; `Retry-After` gives the seconds to wait. */
  | 'rate_limited'
  /** 429: the report rendered recently; `Retry-After` gives the seconds until it may again. */
  | 'cooldown'
  /** 500: the gateway itself failed; its log has the details. */
  | 'internal_error'
  /** 502: the configured content is not a rendered report, or Connect answered unexpectedly. */
  | 'not_renderable'
  | 'connect_error'
  /** 503: Connect is unreachable or answered with a server error. */
  | 'connect_unavailable'
  /** 503: the gateway is closing for a restart or a stop; retry after `Retry-After` seconds. */
  | 'shutting_down'
  /**
   * 503: the gateway's replicas cannot reach the shared state (Redis) that lets them start
   * one render at a time. No render starts; retry after `Retry-After` seconds.
   */
  | 'shared_state_unavailable';

/** Body of every error answer of the gateway. */
export interface GatewayErrorBody {
  error: {
    code: GatewayErrorCode;
    message: string;
  };
}
