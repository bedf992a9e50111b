import {
  GatewayNetworkError,
  GatewayRequestError,
  HTTP_ERROR,
  INVALID_RESPONSE,
} from './gateway-errors.js';
import { INVALID_TOKEN, TokenError } from './token-store.js';

/** Code of a request that got no HTTP response. */
export const NETWORK_ERROR = 'network_error';

/** Code of a render that Connect reports as failed. */
export const RENDER_FAILED = 'render_failed';

/** Code of an error that is not a gateway error, which points at a bug in the element. */
export const UNEXPECTED_ERROR = 'unexpected_error';

/** Wait in ms after a 429 `cooldown` response without a valid `Retry-After` header. */
export const DEFAULT_COOLDOWN_MS = 60_000;

/**
 * Status and message for people that the element shows after a failed request, and for the
 * `cooldown` status the wait in ms before the button accepts a refresh again.
 */
export type Failure =
  | { status: 'failed' | 'unavailable'; code: string; message: string }
  | { status: 'cooldown'; code: string; message: string; waitMs: number };

/** Maps an error of a gateway call to the element's status and a message for people. */
export function describeFailure(error: unknown, report: string): Failure {
  if (error instanceof GatewayNetworkError) {
    return describeNetworkError(error);
  }

  if (error instanceof GatewayRequestError) {
    return describeRequestError(error, report);
  }

  if (error instanceof TokenError) {
    return describeTokenError(error);
  }

  const reason = error instanceof Error ? error.message : String(error);

  return {
    status: 'failed',
    code: UNEXPECTED_ERROR,
    message: `The refresh failed unexpectedly: ${reason}`,
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
 * Whether following a render should retry after this error instead of giving up: the render
 * goes on in Connect while the gateway or the network is down for a moment.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof GatewayNetworkError) {
    return true;
  }

  if (!(error instanceof GatewayRequestError)) {
    return false;
  }

  return error.status >= 500 || error.status === 429 || error.code === INVALID_RESPONSE;
}

function describeNetworkError(error: GatewayNetworkError): Failure {
  const message = error.timedOut
    ? 'The refresh service did not respond in time. Try again later.'
    : 'The refresh service could not be reached. Check your connection and try again later.';

  return { status: 'unavailable', code: NETWORK_ERROR, message };
}

function describeTokenError(error: TokenError): Failure {
  const message = error.code === INVALID_TOKEN
    ? 'The sign-in token of the refresh button is not valid. Reload the page and sign in again.'
    : 'The refresh button could not get a sign-in token. Reload the page and sign in again.';

  return { status: 'unavailable', code: error.code, message };
}

function describeRequestError(error: GatewayRequestError, report: string): Failure {
  const { status, code } = error;

  if (status === 401) {
    const message = code === 'token_expired'
      ? 'Your sign-in has expired. Sign in again to refresh this report.'
      : 'Sign in to refresh this report.';
    return { status: 'unavailable', code, message };
  }

  if (status === 403) {
    return describeForbidden(code);
  }

  if (status === 404 && code === 'unknown_render') {
    const message = 'The render could not be found on the refresh service, so its outcome is '
      + 'unknown. Refresh again to start a new render.';
    return { status: 'failed', code, message };
  }

  if (status === 404 && code === 'unknown_report') {
    const message = `The refresh service has no report named "${report}". Check the report `
      + 'attribute of the refresh button.';
    return { status: 'unavailable', code, message };
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
  const { code, retryAfterMs } = error;

  if (code === 'cooldown') {
    const message = 'This report was rendered recently.';
    return { status: 'cooldown', code, message, waitMs: retryAfterMs ?? DEFAULT_COOLDOWN_MS };
  }

  if (retryAfterMs !== null) {
    const message = 'Too many requests were sent to the refresh service.';
    return { status: 'cooldown', code, message, waitMs: retryAfterMs };
  }

  const message = error.gatewayMessage
    ?? 'Too many refresh requests. Wait a minute and try again.';

  return { status: 'failed', code, message };
}

function describeForbidden(code: string): Failure {
  let message: string;

  if (code === 'connect_forbidden') {
    message = 'The refresh service is not permitted to render this report on Connect. Ask the '
      + 'administrator of the refresh service to give it access to the report.';
  } else if (code === 'origin_not_allowed') {
    message = `The refresh service does not allow requests from ${describePageOrigin()}. Ask `
      + 'its administrator to add the origin to the allowed origins of the gateway.';
  } else {
    message = 'You are not allowed to refresh this report. Ask the administrator of the refresh '
      + 'service for access.';
  }

  return { status: 'unavailable', code, message };
}

/** Returns the page's origin, or "this page" for an opaque origin such as a sandboxed frame. */
function describePageOrigin(): string {
  const origin = globalThis.location?.origin;

  return origin && origin !== 'null' ? origin : 'this page';
}

function describeOtherStatus(error: GatewayRequestError): Failure {
  const { status, code } = error;

  if (status >= 500) {
    const message = 'The report server is unavailable right now. Try again later.';
    return { status: 'unavailable', code, message };
  }

  if (code === INVALID_RESPONSE || code === HTTP_ERROR) {
    const message = `The refresh service sent a response that could not be read (HTTP ${status}). `
      + 'Try again later.';
    return { status: 'unavailable', code, message };
  }

  const reason = error.gatewayMessage ?? `HTTP ${status}`;

  return { status: 'failed', code, message: `The refresh service rejected the request: ${reason}` };
}
