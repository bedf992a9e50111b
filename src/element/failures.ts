import {
  GatewayNetworkError,
  GatewayRequestError,
  HTTP_ERROR,
  INVALID_RESPONSE,
} from './gateway-errors.js';
import { plain, type Text } from './messages.js';
import { crossOriginHint, describePageOrigin } from './page-origin.js';
import { INVALID_TOKEN, TokenError } from './token-store.js';

/** Code of a request that got no HTTP response. */
export const NETWORK_ERROR = 'network_error';

/** Code of the failure that the element shows while the browser is offline. */
export const OFFLINE = 'offline';

/** Code of a render that Connect reports as failed. */
export const RENDER_FAILED = 'render_failed';

/** Code of a render that the gateway lost, whose outcome is unknown. */
export const RENDER_UNKNOWN = 'render_unknown';
/** Code of a render that a report owner cancelled. */
export const RENDER_CANCELLED = 'render_cancelled';

/** Code of an error that is not a gateway error, which points at a bug in the element. */
export const UNEXPECTED_ERROR = 'unexpected_error';

/** Wait in ms after a 429 `cooldown` response without a valid `Retry-After` header. */
export const DEFAULT_COOLDOWN_MS = 60_000;

/** Fields of every failure. */
interface FailureText {
  code: string;
  /** Message for people, in the element's words and language. */
  message: Text;
  /** Message of the gateway's error body, or null when the failure has none. */
  gatewayMessage: string | null;
  /** A hint in the element's words for the detail block, after the gateway's message. */
  hint?: Text;
}

/**
 * Status and messages that the element shows after a failed request, and for the `cooldown`
 * status the wait in ms before the button accepts a refresh again.
 */
export type Failure =
  | (FailureText & { status: 'failed' | 'unavailable' })
  | (FailureText & { status: 'cooldown'; waitMs: number });

/**
 * Maps an error of a gateway call to the element's status and a message for people. `report`
 * and `variant` are the host's, for the messages that name them.
 */
export function describeFailure(
  error: unknown,
  report: string,
  variant: string | null = null,
): Failure {
  if (error instanceof GatewayNetworkError) {
    return describeNetworkError(error);
  }

  if (error instanceof GatewayRequestError) {
    return describeRequestError(error, report, variant);
  }

  if (error instanceof TokenError) {
    return describeTokenError(error);
  }

  const reason = error instanceof Error ? error.message : String(error);

  return {
    status: 'failed',
    code: UNEXPECTED_ERROR,
    message: (messages) => messages.unexpectedError(reason),
    gatewayMessage: null,
  };
}

/**
 * Maps an error of a request to cancel the followed render to its code and messages. The
 * render goes on, so the element's status stays as it is. A 403 `forbidden` gets the message
 * that the person may not cancel, and other errors the message of any failed request.
 */
export function describeCancelFailure(error: unknown, report: string): Omit<Failure, 'status'> {
  const { code, message, gatewayMessage } = describeFailure(error, report);
  const reason: Text = error instanceof GatewayRequestError && error.code === 'forbidden'
    ? plain('cancelForbidden')
    : message;

  return {
    code,
    message: (messages) => messages.cancelFailed(reason(messages)),
    gatewayMessage,
  };
}

/** Returns the failure that the element shows while the browser reports no network connection. */
export function offlineFailure(): Failure {
  return {
    status: 'unavailable',
    code: OFFLINE,
    message: plain('offline'),
    gatewayMessage: null,
  };
}

/**
 * Returns whether a new token might fix the failure. That is so when the gateway requires
 * credentials, rejects the ones sent or does not let this user refresh, and when the element
 * could not get a token it can send.
 */
export function needsNewCredentials(error: unknown): boolean {
  if (error instanceof TokenError) {
    return true;
  }

  return error instanceof GatewayRequestError
    && (error.status === 401 || error.code === 'forbidden');
}

/**
 * Returns whether the error may pass without a change elsewhere: a network error or timeout, a
 * 2xx response that cannot be read, or an HTTP 5xx response other than 502 `not_renderable`,
 * which means that the gateway's configuration is wrong.
 */
export function isOutage(error: unknown): boolean {
  if (error instanceof GatewayNetworkError) {
    return true;
  }

  if (!(error instanceof GatewayRequestError)) {
    return false;
  }

  if (error.code === 'not_renderable') {
    return false;
  }

  return error.status >= 500 || error.code === INVALID_RESPONSE;
}

/**
 * Whether following a render should retry after this error instead of giving up: the render
 * goes on in Connect during an outage or while the gateway limits the rate of requests.
 */
export function isTransient(error: unknown): boolean {
  return isOutage(error) || (error instanceof GatewayRequestError && error.status === 429);
}

/** Returns the wait in ms from the error response's `Retry-After` header, or null. */
export function retryAfterOf(error: unknown): number | null {
  return error instanceof GatewayRequestError ? error.retryAfterMs : null;
}

/**
 * Describes a request without a response. The gateway's CORS settings may have rejected a
 * request to another origin, so its failure gets a hint that names this cause. A timeout gets
 * none, because a request that CORS rejects fails at once.
 */
function describeNetworkError(error: GatewayNetworkError): Failure {
  const message = plain(error.timedOut ? 'requestTimedOut' : 'serviceUnreachable');
  const failure: Failure = { status: 'failed', code: NETWORK_ERROR, message, gatewayMessage: null };
  const hint = error.timedOut ? null : crossOriginHint(error.url);

  return hint === null ? failure : { ...failure, hint };
}

function describeTokenError(error: TokenError): Failure {
  // A provider that did not settle in time may succeed on the next call, so a click tries again.
  if (error.timedOut) {
    return {
      status: 'failed',
      code: error.code,
      message: plain('tokenTimedOut'),
      gatewayMessage: null,
    };
  }

  const message = plain(error.code === INVALID_TOKEN ? 'tokenInvalid' : 'tokenUnavailable');

  return { status: 'unavailable', code: error.code, message, gatewayMessage: null };
}

function describeRequestError(
  error: GatewayRequestError,
  report: string,
  variant: string | null,
): Failure {
  const { status, code, gatewayMessage } = error;

  if (status === 401) {
    const message = plain(code === 'token_expired' ? 'signInExpired' : 'signInRequired');
    return { status: 'unavailable', code, message, gatewayMessage };
  }

  if (status === 403) {
    return describeForbidden(error);
  }

  if (status === 404 && code === 'unknown_render') {
    const message = plain('unknownRender');
    return { status: 'failed', code, message, gatewayMessage };
  }

  if (status === 404 && code === 'unknown_report') {
    const message: Text = (messages) => messages.unknownReport(report);
    return { status: 'unavailable', code, message, gatewayMessage };
  }

  if (status === 404 && code === 'unknown_variant') {
    const message: Text = (messages) => messages.unknownVariant(variant ?? '', report);
    return { status: 'unavailable', code, message, gatewayMessage };
  }

  if (status === 429) {
    return describeTooManyRequests(error);
  }

  return describeOtherStatus(error);
}

/**
 * Maps a 429 to the `cooldown` status for the report's cooldown or any 429 with `Retry-After`,
 * and to `failed` for a rate limit without it.
 */
function describeTooManyRequests(error: GatewayRequestError): Failure {
  const { code, retryAfterMs, gatewayMessage } = error;

  if (code === 'cooldown') {
    const message = plain('cooldown');
    const waitMs = retryAfterMs ?? DEFAULT_COOLDOWN_MS;
    return { status: 'cooldown', code, message, gatewayMessage, waitMs };
  }

  if (retryAfterMs !== null) {
    const message = plain('rateLimited');
    return { status: 'cooldown', code, message, gatewayMessage, waitMs: retryAfterMs };
  }

  const message: Text = (messages) => gatewayMessage ?? messages.rateLimitedWithoutWait;

  return { status: 'failed', code, message, gatewayMessage };
}

function describeForbidden(error: GatewayRequestError): Failure {
  const { code, gatewayMessage } = error;
  let message: Text;

  if (code === 'connect_forbidden') {
    message = plain('connectForbidden');
  } else if (code === 'origin_not_allowed') {
    message = (messages) => messages.originNotAllowed(describePageOrigin(messages));
  } else {
    message = plain('forbidden');
  }

  return { status: 'unavailable', code, message, gatewayMessage };
}

function describeOtherStatus(error: GatewayRequestError): Failure {
  const { status, code, gatewayMessage } = error;

  if (code === 'not_renderable') {
    const message = plain('notRenderable');
    return { status: 'unavailable', code, message, gatewayMessage };
  }

  if (code === 'connect_error') {
    const message = plain('connectError');
    return { status: 'failed', code, message, gatewayMessage };
  }

  if (status >= 500) {
    const message = plain('serverUnavailable');
    return { status: 'failed', code, message, gatewayMessage };
  }

  if (code === INVALID_RESPONSE || code === HTTP_ERROR) {
    const message: Text = (messages) => messages.unreadableResponse(status);
    return { status: 'failed', code, message, gatewayMessage };
  }

  const reason = gatewayMessage ?? `HTTP ${status}`;
  const message: Text = (messages) => messages.requestRejected(reason);

  return { status: 'failed', code, message, gatewayMessage };
}
