/**
 * Shapes of the stand-in's injected faults, as `StandIn.faults.set()` and the faults file
 * take them.
 */

/** Kinds of request fault, in the order the README lists them. */
export const REQUEST_FAULT_KINDS = ['latency', 'error', 'rate-limit', 'reset', 'drop'] as const;

export type RequestFaultKind = (typeof REQUEST_FAULT_KINDS)[number];

/** Server error statuses that an `error` fault sends. */
export const FAULT_ERROR_STATUSES = [500, 502, 503] as const;

export type FaultErrorStatus = (typeof FAULT_ERROR_STATUSES)[number];

/**
 * When a request fault acts. `before`: the route never runs, so Connect did not see the
 * request. `after`: the route runs (a render starts) and the fault then replaces or breaks
 * its response.
 */
export type FaultTiming = 'before' | 'after';

/** Method, path and count of the requests that a fault affects. */
export interface FaultScope {
  /** HTTP method, such as POST; every method when absent. */
  method?: string;
  /**
   * Path pattern matched against the whole request path without its query, such as
   * `/__api__/v1/tasks/*`. `*` matches within one path segment and `**` matches any rest.
   * Every path when absent.
   */
  path?: string;
  /** Number of matching requests to affect; every matching request when absent. */
  times?: number;
  /** Default `before`, except for `reset`, which always acts `after`. */
  when?: FaultTiming;
}

/** Waits `ms` milliseconds before the route runs, or before the response is sent. */
export interface LatencyFault extends FaultScope {
  kind: 'latency';
  ms: number;
}

/**
 * Responds with a server error: 500 with Connect's error envelope (code 1), or 502 and 503
 * with the plain-text body of a proxy in front of Connect.
 */
export interface ErrorFault extends FaultScope {
  kind: 'error';
  status: FaultErrorStatus;
  /** Value of a `Retry-After` header in seconds; no header when absent. */
  retryAfterSeconds?: number;
}

/** Responds 429 with Connect's code 277 (RateLimitExceeded) and a `Retry-After` header. */
export interface RateLimitFault extends FaultScope {
  kind: 'rate-limit';
  retryAfterSeconds: number;
}

/**
 * Lets the route respond, sends its status line, headers and half of its body, then destroys
 * the connection. Always acts `after`.
 */
export interface ResetFault extends FaultScope {
  kind: 'reset';
}

/** Closes the connection without sending anything. */
export interface DropFault extends FaultScope {
  kind: 'drop';
}

export type RequestFault = LatencyFault | ErrorFault | RateLimitFault | ResetFault | DropFault;

/** Every fault of a stand-in; a field that is absent means no such fault. */
export interface FaultSettings {
  /**
   * Request faults. A request gets the first matching latency fault and the first matching
   * fault of another kind. Each fault that a request gets uses up one of its `times`.
   */
  requests?: RequestFault[];
  /**
   * The sticky-session mode of clustered Connect: render responses set a node cookie, and
   * task polls without it get 404 code 141.
   */
  stickyCookie?: boolean;
  /**
   * Content GUIDs whose renders never finish: a render that starts while its GUID is listed
   * waits before its process starts, until the GUID leaves the list or the render is killed.
   */
  hangingRenders?: string[];
}
