/**
 * Builds the client's errors from Connect's responses and from failed requests. Every text
 * that came from the server or the caller passes through `redact` before it enters a message.
 */
import { decodeApiError } from './decode.js';
import { ConnectApiError, ConnectResponseError, ConnectUnreachableError } from './errors.js';

/** Request facts that every error names. */
export interface RequestFacts {
  server: string;
  method: string;
  /** Path below the server, starting with `/__api__`. */
  path: string;
  redact: (text: string) => string;
}

const SNIPPET_LENGTH = 200;

/**
 * Shortens a body to one line of at most SNIPPET_LENGTH characters for a message. Redact
 * before shortening, so that a cut cannot leave part of the key behind.
 */
function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH)}…` : line;
}

/** Replaces the secret inside every string of a decoded JSON value. */
function redactValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') {
    return redact(value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue(item, redact));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [
      redact(key),
      redactValue(item, redact),
    ]);
    return Object.fromEntries(entries);
  }
  return value;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Suggests the next step for an HTTP error status. */
function adviceFor(status: number, code: number | null, location: string | null): string {
  if (status >= 300 && status < 400) {
    return `Connect redirected to ${location ?? 'an unnamed location'}. Set the server URL to ` +
      'the address that serves the API, because the client does not follow redirects.';
  }
  if (status === 401) {
    return 'Check that the API key is valid and has not expired.';
  }
  if (status === 403) {
    return "The API key's user lacks permission. Rendering needs owner or collaborator " +
      'rights on the content.';
  }
  if (status === 404) {
    return code === null
      ? 'The server does not have this route. Check that the server URL points at Posit Connect.'
      : 'Check the id in the request.';
  }
  if (status === 429 || status >= 500) {
    return 'Retry later. If it persists, see the Connect server log.';
  }
  return 'Check the request parameters.';
}

/**
 * Builds the ConnectApiError for a non-2xx response. The body may be Connect's
 * `{code, error, payload}` envelope or any other text, such as `404 page not found`.
 */
export function apiErrorFrom(
  facts: RequestFacts,
  status: number,
  bodyText: string,
  location: string | null,
  retryAfterMs: number | null = null,
): ConnectApiError {
  const envelope = decodeApiError(parseJsonOrUndefined(bodyText));
  const code = envelope?.code ?? null;
  const connectMessage = envelope === null ? null : facts.redact(envelope.error);
  const body =
    envelope === null
      ? bodyText.trim() === '' ? 'an empty body' : `"${snippet(facts.redact(bodyText))}"`
      : `code ${envelope.code}: ${connectMessage}`;
  const advice = adviceFor(status, code, location);
  // Connect's own messages end with a period; add one only where the body lacks it.
  const sentence = /[.!?]$/.test(body) ? body : `${body}.`;
  const message = `Connect responded to ${facts.method} ${facts.path} with HTTP ${status}, ` +
    `${sentence} ${advice}`;

  return new ConnectApiError(facts.redact(message), {
    status,
    code,
    connectMessage,
    payload: redactValue(envelope?.payload ?? null, facts.redact),
    method: facts.method,
    path: facts.redact(facts.path),
    retryAfterMs,
  });
}

/** Parses the body of a 2xx response, raising ConnectResponseError when it is not JSON. */
export function parseSuccessBody(facts: RequestFacts, status: number, bodyText: string): unknown {
  try {
    return JSON.parse(bodyText) as unknown;
  } catch {
    // The SyntaxError is not kept as cause: its message quotes the body unredacted.
    const body =
      bodyText.trim() === '' ? 'is empty' : `is not JSON: "${snippet(facts.redact(bodyText))}"`;
    const message = `Connect responded to ${facts.method} ${facts.path} with HTTP ${status}, but ` +
      `the body ${body}. Check that the server URL points at Posit Connect.`;
    throw new ConnectResponseError(facts.redact(message), {
      field: null,
      method: facts.method,
      path: facts.redact(facts.path),
    });
  }
}

/** Adds the request to a decoder's ConnectResponseError. */
export function responseErrorFrom(
  facts: RequestFacts,
  error: ConnectResponseError,
): ConnectResponseError {
  const message = `Connect responded to ${facts.method} ${facts.path} with an unexpected body. ` +
    `${error.message} Check that the server runs a Connect version that has this route.`;
  return new ConnectResponseError(facts.redact(message), {
    field: error.field,
    method: facts.method,
    path: facts.redact(facts.path),
    cause: error,
  });
}

/** Names the network failure behind a rejected fetch, e.g. `connect ECONNREFUSED …`. */
function describeNetworkFailure(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message !== '') {
    return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Builds the ConnectUnreachableError for a request that got no HTTP response. */
export function unreachableErrorFrom(
  facts: RequestFacts,
  error: unknown,
  timeoutMs: number | null,
): ConnectUnreachableError {
  const request = `${facts.method} ${facts.path}`;
  const message =
    timeoutMs === null
      ? `Cannot reach Connect at ${facts.server} for ${request}: ` +
        `${describeNetworkFailure(error)}. Check the server URL and that Connect is running.`
      : `${request} to Connect at ${facts.server} timed out after ${timeoutMs} ms. ` +
        'Check that Connect is running, or raise requestTimeoutMs.';

  return new ConnectUnreachableError(facts.redact(message), {
    method: facts.method,
    path: facts.redact(facts.path),
    timedOut: timeoutMs !== null,
    cause: error,
  });
}
