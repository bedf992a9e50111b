import type {
  CancelResult,
  RecentRenders,
  RefreshAccepted,
  RenderProgress,
  ReportStatus,
} from '../protocol/index.js';
import {
  GatewayNetworkError,
  GatewayRequestError,
  HTTP_ERROR,
  INVALID_RESPONSE,
} from './gateway-errors.js';
import { parseRetryAfter } from './retry-after.js';
import {
  isCancelResult,
  isGatewayErrorBody,
  isRecentRenders,
  isRefreshAccepted,
  isRenderProgress,
  isReportStatus,
} from './wire-guards.js';

/**
 * Typed calls of the refresh gateway's HTTP protocol. Each call takes the caller's AbortSignal;
 * when it aborts, the call rejects with the signal's reason and never with a gateway error. A
 * call with a token sends it as `Authorization: Bearer <token>`.
 */

/** Credentials that a gateway call sends. */
export interface RequestAuth {
  /** Bearer token, or null to send no `Authorization` header. */
  token?: string | null;
  /**
   * True to fetch with `credentials: 'include'`, which sends cookies to a gateway on another
   * origin. False, the default, fetches with `'same-origin'`.
   */
  withCredentials?: boolean;
}

/**
 * Maximum time in ms that the gateway may take to respond to a status read or a refresh
 * request. The gateway gives up on a Connect call after 30 s (the Connect client's default
 * `requestTimeoutMs`) and then responds with an error, so the element waits longer and shows
 * that response instead of timing out itself.
 *
 * NOTE: a gateway whose Connect calls take longer in total, such as two slow calls in one
 * refresh, can still outlast this.
 */
export const REQUEST_TIMEOUT_MS = 45_000;

/** Time in ms that a long poll may take beyond its hold time before the element gives up. */
export const POLL_TIMEOUT_MARGIN_MS = 30_000;

/** Joins the gateway base URL and a path, with or without a trailing slash on the base. */
export function gatewayUrl(base: string, path: string): string {
  return `${base.trim().replace(/\/+$/, '')}/${path}`;
}

/**
 * Returns the URL of a report route: `{gateway}/v1/reports/{report}{suffix}`, with the query
 * parameters that are not null, such as `variant`.
 */
function reportUrl(
  gateway: string,
  report: string,
  suffix: string,
  params: Record<string, string | null> = {},
): string {
  const query = new URLSearchParams();

  for (const [name, value] of Object.entries(params)) {
    if (value !== null) {
      query.set(name, value);
    }
  }

  const search = query.size === 0 ? '' : `?${query}`;

  return gatewayUrl(gateway, `v1/reports/${encodeURIComponent(report)}${suffix}${search}`);
}

/**
 * Reads the status of a report's variant: `GET {gateway}/v1/reports/{report}?variant=K`,
 * without `variant` for the report's default variant (null).
 */
export async function readReportStatus(
  gateway: string,
  report: string,
  signal: AbortSignal,
  auth: RequestAuth = {},
  variant: string | null = null,
): Promise<ReportStatus> {
  const url = reportUrl(gateway, report, '', { variant });
  const init = withAuth({ method: 'GET' }, auth);
  const parsed = await requestJson(url, init, signal, REQUEST_TIMEOUT_MS);

  return expectBody(parsed, isReportStatus);
}

/**
 * Asks for a render of the report's variant: `POST {gateway}/v1/reports/{report}/refresh`, with
 * `?variant=K` unless `variant` is null.
 */
export async function requestRefresh(
  gateway: string,
  report: string,
  signal: AbortSignal,
  auth: RequestAuth = {},
  variant: string | null = null,
): Promise<RefreshAccepted> {
  const url = reportUrl(gateway, report, '/refresh', { variant });
  const init = withAuth({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  }, auth);
  const parsed = await requestJson(url, init, signal, REQUEST_TIMEOUT_MS);

  return expectBody(parsed, isRefreshAccepted);
}

/**
 * Asks the gateway to cancel a running render: `POST {gateway}/v1/renders/{handle}/cancel`. The
 * gateway may wait up to 10 s for the render to end before it responds.
 */
export async function cancelRender(
  gateway: string,
  handle: string,
  signal: AbortSignal,
  auth: RequestAuth = {},
): Promise<CancelResult> {
  const url = gatewayUrl(gateway, `v1/renders/${encodeURIComponent(handle)}/cancel`);
  const init = withAuth({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  }, auth);
  const parsed = await requestJson(url, init, signal, REQUEST_TIMEOUT_MS);

  return expectBody(parsed, isCancelResult);
}

/**
 * Reads the last renders of the report's variant, newest first:
 * `GET {gateway}/v1/reports/{report}/renders?limit=N&variant=K`.
 */
export async function readRecentRenders(
  gateway: string,
  report: string,
  variant: string | null,
  limit: number,
  signal: AbortSignal,
  auth: RequestAuth = {},
): Promise<RecentRenders> {
  const url = reportUrl(gateway, report, '/renders', { limit: String(limit), variant });
  const init = withAuth({ method: 'GET' }, auth);
  const parsed = await requestJson(url, init, signal, REQUEST_TIMEOUT_MS);

  return expectBody(parsed, isRecentRenders);
}

/**
 * Long-polls a render: `GET {gateway}/v1/renders/{handle}?after=N&wait=S`. The gateway delays its
 * response by up to `waitSeconds` until the state changes or new log lines arrive.
 */
export async function readRenderProgress(
  gateway: string,
  handle: string,
  after: number,
  waitSeconds: number,
  signal: AbortSignal,
  auth: RequestAuth = {},
): Promise<RenderProgress> {
  const query = `after=${after}&wait=${waitSeconds}`;
  const url = gatewayUrl(gateway, `v1/renders/${encodeURIComponent(handle)}?${query}`);
  const timeoutMs = waitSeconds * 1000 + POLL_TIMEOUT_MARGIN_MS;
  const init = withAuth({ method: 'GET' }, auth);
  const parsed = await requestJson(url, init, signal, timeoutMs);

  return expectBody(parsed, isRenderProgress);
}

/**
 * Returns the request with its credentials mode, and with an `Authorization: Bearer` header
 * when there is a token.
 */
function withAuth(init: RequestInit, auth: RequestAuth): RequestInit {
  const credentials: RequestCredentials = auth.withCredentials ? 'include' : 'same-origin';
  const token = auth.token ?? null;

  if (token === null) {
    return { ...init, credentials };
  }

  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);

  return { ...init, credentials, headers };
}

/** Parsed body of a successful response, with the request and status for error messages. */
interface ParsedResponse {
  request: string;
  status: number;
  body: unknown;
}

async function requestJson(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<ParsedResponse> {
  signal.throwIfAborted();

  const request = `${init.method ?? 'GET'} ${url}`;
  // Aborts the fetch when the caller aborts or when the gateway does not respond in time.
  const requestController = new AbortController();
  const timer = setTimeout(() => requestController.abort(), timeoutMs);
  // Clears the timer at once, so no timer outlives a cancelled request.
  const forwardAbort = () => {
    clearTimeout(timer);
    requestController.abort(signal.reason);
  };
  signal.addEventListener('abort', forwardAbort, { once: true });

  try {
    const response = await fetch(url, { ...init, signal: requestController.signal });
    const body = parseJson(await response.text());

    if (!response.ok) {
      throw errorFromResponse(request, response, body);
    }

    return { request, status: response.status, body };
  } catch (error) {
    if (signal.aborted) {
      throw signal.reason;
    }

    if (error instanceof GatewayRequestError) {
      throw error;
    }

    throw new GatewayNetworkError(request, url, requestController.signal.aborted, error);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forwardAbort);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFromResponse(
  request: string,
  response: Response,
  body: unknown,
): GatewayRequestError {
  const { status } = response;
  const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));

  if (isGatewayErrorBody(body)) {
    const { code, message } = body.error;
    return new GatewayRequestError(request, status, code, message, retryAfterMs);
  }

  return new GatewayRequestError(request, status, HTTP_ERROR, null, retryAfterMs);
}

function expectBody<T>(parsed: ParsedResponse, isExpected: (body: unknown) => body is T): T {
  if (!isExpected(parsed.body)) {
    throw new GatewayRequestError(parsed.request, parsed.status, INVALID_RESPONSE, null);
  }

  return parsed.body;
}
