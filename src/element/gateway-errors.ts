/**
 * Errors of gateway requests. The element maps them to its status and to a message for people.
 * The error messages here are for developers, so they name the request that failed.
 */

/** Code of a response with an unexpected body, such as an HTML page or malformed JSON. */
export const INVALID_RESPONSE = 'invalid_response';

/** Code of an HTTP error response whose body is not a gateway error body. */
export const HTTP_ERROR = 'http_error';

/** An HTTP response of the gateway that is an error or that the element cannot use. */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';

  /** HTTP status of the response. */
  readonly status: number;

  /** Gateway error code, or `invalid_response` / `http_error` when the body has none. */
  readonly code: string;

  /** Message of the gateway's error body, or null when the body has none. */
  readonly gatewayMessage: string | null;

  /** Wait in ms from the response's `Retry-After` header, or null without a valid header. */
  readonly retryAfterMs: number | null;

  constructor(
    request: string,
    status: number,
    code: string,
    gatewayMessage: string | null,
    retryAfterMs: number | null = null,
  ) {
    const reason = gatewayMessage ?? describeMissingReason(code);
    super(`${request} failed with HTTP ${status} (${code}): ${reason}`);
    this.status = status;
    this.code = code;
    this.gatewayMessage = gatewayMessage;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A gateway request that got no HTTP response: the network failed or the request timed out. */
export class GatewayNetworkError extends Error {
  override readonly name = 'GatewayNetworkError';

  /** True when the request was aborted because the gateway did not respond in time. */
  readonly timedOut: boolean;

  /** URL of the request, as the element passed it to fetch. */
  readonly url: string;

  constructor(request: string, url: string, timedOut: boolean, cause?: unknown) {
    const reason = timedOut
      ? 'the gateway did not respond in time'
      : 'the gateway could not be reached';
    super(`${request} failed: ${reason}. Check the gateway URL and the network.`, { cause });
    this.url = url;
    this.timedOut = timedOut;
  }
}

function describeMissingReason(code: string): string {
  if (code === INVALID_RESPONSE) {
    return 'the response is not the JSON body this request expects. Check that the gateway URL '
      + 'points at a refresh gateway.';
  }

  return 'the response has no gateway error body.';
}
