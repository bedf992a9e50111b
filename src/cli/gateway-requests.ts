import type { GatewayErrorBody, GatewayErrorCode } from '../protocol/index.js';
import { CommandError, ExitCode, type ExitStatus } from './exit-codes.js';

/** Time each request may take on top of its long-poll wait, in ms. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The environment variable that contains the bearer token for `--gateway`. */
export const TOKEN_ENV = 'CONNECT_REFRESH_TOKEN';

/** Exit status of each gateway error code; codes not listed exit with 1. */
const EXIT_STATUS_BY_CODE: Partial<Record<GatewayErrorCode, ExitStatus>> = {
  invalid_request: ExitCode.usage,
  unknown_report: ExitCode.usage,
  unknown_variant: ExitCode.usage,
  not_found: ExitCode.usage,
  not_renderable: ExitCode.usage,
  unauthenticated: ExitCode.unreachable,
  token_expired: ExitCode.unreachable,
  connect_unavailable: ExitCode.unreachable,
  shutting_down: ExitCode.unreachable,
  shared_state_unavailable: ExitCode.unreachable,
  forbidden: ExitCode.notPermitted,
  connect_forbidden: ExitCode.notPermitted,
  origin_not_allowed: ExitCode.notPermitted,
  host_not_allowed: ExitCode.notPermitted,
  rate_limited: ExitCode.notPermitted,
  cooldown: ExitCode.notPermitted,
};

/** An error response or a failed request to the gateway. */
export class GatewayRequestError extends CommandError {
  override name = 'GatewayRequestError';

  constructor(
    message: string,
    exitCode: ExitStatus,
    /** The protocol's error code, or null when the gateway sent none or did not respond. */
    readonly code: GatewayErrorCode | null,
    /** True when a later attempt may succeed: no response, 503, or `rate_limited`. */
    readonly transient: boolean,
    /** Seconds from the `Retry-After` header, or null. */
    readonly retryAfterS: number | null,
  ) {
    super(message, exitCode);
  }
}

function isErrorBody(value: unknown): value is GatewayErrorBody {
  const error = (value as GatewayErrorBody | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends JSON requests to a refresh gateway, with the bearer token when one is set. */
export class GatewayRequester {
  readonly baseUrl: string;
  readonly #token: string | undefined;

  constructor(baseUrl: string, token: string | undefined) {
    this.baseUrl = baseUrl;
    this.#token = token;
  }

  /**
   * Sends one request and returns the parsed JSON body of a 2xx response. `path` must be
   * percent-encoded. `waitS` is the long-poll time that the request may take on top of the
   * timeout. Rejects with the signal's reason on abort, else with a GatewayRequestError.
   */
  async request(method: string, path: string, signal: AbortSignal, waitS = 0): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) {
      headers.authorization = `Bearer ${this.#token}`;
    }
    let body: string | undefined;
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      body = '{}';
    }
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS + waitS * 1000);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method, headers, body, signal: AbortSignal.any([signal, timeout]), redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason;
      }
      const cause = (error as Error).cause instanceof Error ? (error as { cause: Error }).cause : error as Error;
      const reason = timeout.aborted ? 'no response in time' : cause.message;
      throw new GatewayRequestError(`Cannot reach the gateway at ${this.baseUrl} for ${method} ${path}: ` +
        `${reason}. Check --gateway and that the gateway runs.`, ExitCode.unreachable, null, true, null);
    }
    const json = parseJson(text);
    if (response.ok && json !== undefined) {
      return json;
    }
    throw this.#errorOf(method, path, response, json);
  }

  #errorOf(method: string, path: string, response: Response, json: unknown): GatewayRequestError {
    const { status } = response;
    const retryHeader = Number(response.headers.get('retry-after'));
    const retryAfterS = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : null;
    if (!isErrorBody(json)) {
      const transient = status >= 500;
      const problem = `The gateway at ${this.baseUrl} responded to ${method} ${path} with HTTP ${status} ` +
        "and no protocol error body; check that --gateway is the gateway's address.";
      if (transient || status === 401) {
        return new GatewayRequestError(problem, ExitCode.unreachable, null, transient, null);
      }
      if (status === 403 || status === 429) {
        return new GatewayRequestError(problem, ExitCode.notPermitted, null, false, null);
      }
      // A redirect, a missing route or a success without JSON means that another server responded.
      return new GatewayRequestError(`--gateway does not look like a connect-refresh gateway: ${problem}`,
        ExitCode.usage, null, false, null);
    }
    const { code, message } = json.error;
    let advice = '';
    if (code === 'unauthenticated' && this.#token === undefined) {
      advice = ` Set ${TOKEN_ENV} to a bearer token that the gateway accepts.`;
    } else if (code === 'unauthenticated') {
      // A gateway that accepts no tokens at all rejects every token with this code too, and
      // the protocol has no separate code for that case. So the advice covers both causes.
      advice = ` Check the token in ${TOKEN_ENV}, or, if this gateway accepts no tokens, unset ${TOKEN_ENV} ` +
        'so that the command sends none.';
    } else if (code === 'token_expired') {
      advice = ` Check the token in ${TOKEN_ENV}.`;
    } else if (retryAfterS !== null && status === 429) {
      advice = ` Retry after ${retryAfterS} s.`;
    }
    const transient = status === 503 || code === 'rate_limited';
    const exitCode = EXIT_STATUS_BY_CODE[code] ?? ExitCode.renderFailed;
    return new GatewayRequestError(`The gateway responded with HTTP ${status} ${code}: ${message}${advice}`,
      exitCode, code, transient, retryAfterS);
  }
}

/** Checks a --gateway value and returns it without trailing slashes. */
export function parseGatewayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CommandError('--gateway is not an absolute URL; give the gateway\'s address, such as ' +
      'http://127.0.0.1:8787.', ExitCode.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CommandError(`--gateway must use http or https, not ${url.protocol}`, ExitCode.usage);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CommandError(`--gateway must not contain credentials, a query or a fragment; put the token in ${TOKEN_ENV}.`,
      ExitCode.usage);
  }
  return url.href.replace(/\/+$/, '');
}
