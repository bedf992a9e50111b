/**
 * Wire types of the refresh gateway's HTTP protocol, shared by the gateway and the element.
 * Types only: this module emits no runtime code, so the browser bundle stays free of
 * server code. Times are RFC 3339 strings in UTC.
 */

/**
 * State of one render, as the gateway reports it. `unknown`: the gateway lost the render, such as
 * when Connect restarted and forgot its task and the job list does not show the outcome. `error`
 * then contains a plain message. `cancelled`: a report owner cancelled the render through the
 * gateway, and it ended without a new output.
 */
export type RenderState = 'running' | 'succeeded' | 'failed' | 'unknown' | 'cancelled';

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
   * Durations in seconds of the variant's recent successful renders, newest end first, at most
   * 10, rounded to one decimal. Empty when none is known. Clients estimate how long a render
   * takes from these. They are those of the successful renders in the recent renders route.
   */
  recent_durations: number[];
  /**
   * True when the caller may cancel the report's renders: the report's `cancel` list in the
   * gateway's config names the caller. Nobody may cancel when the list is missing.
   */
  can_cancel: boolean;
  /**
   * Key of the Connect variant that this status describes: the request's `variant`, else the
   * report's configured `variant`. Null for the content's default variant on Connect when the
   * configuration names no key.
   */
  variant: string | null;
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
  /**
   * Short reason of a failed render, why the outcome is unknown, or a note that a report owner
   * cancelled it; otherwise null.
   */
  error: string | null;
  last_rendered_at: string | null;
  server_time: string;
  /**
   * True while the render runs longer than the report's maximum duration (`max_duration` in the
   * gateway's config, in seconds). The state stays `running`, because the gateway does not end
   * the render.
   */
  stuck: boolean;
}

/**
 * Body of the 200 response to `POST /v1/renders/{handle}/cancel`: the render's state once the
 * gateway ordered Connect to end it, or found it ended. `running` means that Connect accepted
 * the order but the render had not ended when the gateway stopped waiting; its progress then
 * reports the end.
 */
export interface CancelResult {
  handle: string;
  state: RenderState;
  finished_at: string | null;
  /** As in RenderProgress. */
  error: string | null;
  server_time: string;
}

/** One render in the body of `GET /v1/reports/{name}/renders`. */
export interface RecentRender {
  started_at: string;
  /** End of the render, or null while it runs. */
  finished_at: string | null;
  state: RenderState;
  /** Seconds from start to end, rounded to one decimal; null while the render runs. */
  duration: number | null;
  /**
   * True when a refresh request to the gateway started the render. False for renders that a
   * schedule, the Connect dashboard or another API client started, and for renders whose
   * start the gateway has no record of, such as those before its last restart.
   */
  started_by_gateway: boolean;
  /**
   * Name of the requester that started the render through the gateway: the user name of a
   * signed user token or a trusted proxy, or the configured name of a bearer token. Null for
   * an anonymous request and when `started_by_gateway` is false.
   */
  started_by: string | null;
}

/** Body of `GET /v1/reports/{name}/renders?limit=N&variant=K`. */
export interface RecentRenders {
  name: string;
  /** Key of the variant whose renders are listed; null as in ReportStatus. */
  variant: string | null;
  /** The last renders of the variant, newest start first, at most `limit`. */
  renders: RecentRender[];
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
  /** 404: the report does not allow the variant that the request names. */
  | 'unknown_variant'
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
