/**
 * Errors of the Connect API client. Every class extends ConnectError, so a caller can tell
 * Connect failures from its own bugs with one `instanceof` check. Messages never contain the
 * API key: the client redacts it from every text that came from the server or the caller.
 */

/** Base class of every error that the Connect client raises on purpose. */
export class ConnectError extends Error {
  override name = 'ConnectError';
}

/** Fields of a ConnectApiError besides its message. */
export interface ConnectApiErrorDetails {
  status: number;
  code: number | null;
  connectMessage: string | null;
  payload: unknown;
  method: string;
  path: string;
  /** Wait in ms that the response's `Retry-After` header requests; absent means none. */
  retryAfterMs?: number | null;
}

/**
 * Connect responded with an HTTP error status. `code` is the application code of Connect's
 * `{code, error, payload}` envelope, or null when the body was not that envelope (for
 * example the plain text `404 page not found` of a route that the server does not have).
 */
export class ConnectApiError extends ConnectError {
  override name = 'ConnectApiError';
  readonly status: number;
  readonly code: number | null;
  /** The envelope's `error` text, or null when the body was not an envelope. */
  readonly connectMessage: string | null;
  readonly payload: unknown;
  readonly method: string;
  /** Request path below the server, starting with `/__api__`. */
  readonly path: string;
  /** Wait in ms that the response's `Retry-After` header requests, or null without one. */
  readonly retryAfterMs: number | null;

  constructor(message: string, details: ConnectApiErrorDetails) {
    super(message);
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.status = details.status;
    this.code = details.code;
    this.connectMessage = details.connectMessage;
    this.payload = details.payload;
    this.method = details.method;
    this.path = details.path;
  }
}

/** The request got no HTTP response: connection refused or reset, DNS failure, or timeout. */
export class ConnectUnreachableError extends ConnectError {
  override name = 'ConnectUnreachableError';
  readonly method: string;
  readonly path: string;
  /** True when the client's own request timeout ended the request. */
  readonly timedOut: boolean;

  constructor(
    message: string,
    details: { method: string; path: string; timedOut: boolean; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.method = details.method;
    this.path = details.path;
    this.timedOut = details.timedOut;
  }
}

/**
 * Connect responded with a 2xx status, but the body is not JSON or lacks a field in the
 * expected form. `field` names the offending field (`output[1]`, `[0].status`), or is null
 * when the body as a whole was wrong. `method` and `path` are null when a decoder raised the
 * error outside a request.
 */
export class ConnectResponseError extends ConnectError {
  override name = 'ConnectResponseError';
  readonly field: string | null;
  readonly method: string | null;
  readonly path: string | null;

  constructor(
    message: string,
    details: { field: string | null; method?: string; path?: string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.field = details.field;
    this.method = details.method ?? null;
    this.path = details.path ?? null;
  }
}

/** The content exists but is an app, API or other kind that Connect does not render. */
export class NotRenderableError extends ConnectError {
  override name = 'NotRenderableError';
  readonly guid: string;
  readonly appMode: string;

  constructor(message: string, details: { guid: string; appMode: string }) {
    super(message);
    this.guid = details.guid;
    this.appMode = details.appMode;
  }
}

/**
 * The legacy render route needs one variant, and the variants list did not give exactly one:
 * no variant with the requested key, or zero or several default variants.
 */
export class VariantSelectionError extends ConnectError {
  override name = 'VariantSelectionError';
  readonly guid: string;
  /** Requested variant key, or null when the default variant was requested. */
  readonly variantKey: string | null;
  /** Number of variants that matched. */
  readonly matches: number;

  constructor(
    message: string,
    details: { guid: string; variantKey: string | null; matches: number },
  ) {
    super(message);
    this.guid = details.guid;
    this.variantKey = details.variantKey;
    this.matches = details.matches;
  }
}

/** Connect's application codes for an unknown task: 141 in current servers, 4 in older ones. */
const TASK_NOT_FOUND_CODES: ReadonlySet<number> = new Set([141, 4]);

/**
 * Returns true when the error is Connect's response to a task id it does not know (any more):
 * HTTP 404 with code 141 or 4. In a cluster this also happens when a poll reaches a node
 * other than the one that runs the task.
 */
export function isTaskNotFound(error: unknown): boolean {
  return (
    error instanceof ConnectApiError &&
    error.status === 404 &&
    error.code !== null &&
    TASK_NOT_FOUND_CODES.has(error.code)
  );
}

/**
 * Connect's application code for "The specified job cannot be terminated because it is not
 * active".
 */
const INACTIVE_JOB_CODE = 163;

/**
 * Returns true when the error is Connect's response to an order to kill a job that is no
 * longer active: HTTP 409 with code 163. The job ended before the order arrived.
 */
export function isInactiveJob(error: unknown): boolean {
  return error instanceof ConnectApiError && error.status === 409 &&
    error.code === INACTIVE_JOB_CODE;
}

/** Text that replaces the API key wherever it would appear in an error. */
export const REDACTED = '[redacted]';

/** Replaces every occurrence of `secret` in `text`. */
export function redactSecret(text: string, secret: string): string {
  if (secret === '') {
    return text;
  }
  return text.split(secret).join(REDACTED);
}
