import { REPORT_NAME_PATTERN } from './config.js';
import { GatewayHttpError, invalidRequest } from './errors.js';
import { HANDLE_LIFETIME_MS } from './handles.js';

/** Maximum seconds a progress request may be held. */
export const MAX_WAIT_SECONDS = 30;

export interface ProgressQuery {
  /** Index of the first log line to return. */
  after: number;
  /** Seconds to hold the response until something changes. */
  wait: number;
}

const PROGRESS_PARAMETERS: readonly string[] = ['after', 'wait'];
const RENDERS_PARAMETERS: readonly string[] = ['limit', 'variant'];

/** Query of a recent renders request. */
export interface RendersQuery {
  /** Maximum number of renders to return. */
  limit: number;
  /** The `variant` parameter, not yet checked against the report (see resolveVariant). */
  variant: string | undefined;
}

/** Validates `?after=N&wait=S` of a progress request; both are optional decimal integers. */
export function parseProgressQuery(query: unknown): ProgressQuery {
  const params = (query ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!PROGRESS_PARAMETERS.includes(key)) {
      // The message leaves out the name, because the client chose it.
      throw invalidRequest(
        "Unknown query parameter; a render's progress takes only the parameters after and wait.",
      );
    }
  }

  const after = readInteger(params.after, 'after', 0, 1_000_000_000);
  const wait = readInteger(params.wait, 'wait', 0, MAX_WAIT_SECONDS);
  return { after, wait };
}

/**
 * Returns the `variant` query parameter of a status or refresh request, not yet checked
 * against the report (see resolveVariant). Other parameters are ignored, as they were before
 * reports had variants.
 */
export function readVariantQuery(query: unknown): string | undefined {
  const params = (query ?? {}) as Record<string, unknown>;
  return readVariant(params.variant);
}

/**
 * Validates `?limit=N&variant=K` of a recent renders request. `limit` is a decimal integer
 * from 1 to `maxLimit`, `defaultLimit` when absent.
 */
export function parseRendersQuery(
  query: unknown,
  defaultLimit: number,
  maxLimit: number,
): RendersQuery {
  const params = (query ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!RENDERS_PARAMETERS.includes(key)) {
      // The message leaves out the name, because the client chose it.
      throw invalidRequest(
        'Unknown query parameter; recent renders take only the parameters limit and variant.',
      );
    }
  }
  const limit = params.limit === undefined
    ? defaultLimit
    : readInteger(params.limit, 'limit', 1, maxLimit);
  return { limit, variant: readVariant(params.variant) };
}

function readVariant(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') {
    return value;
  }
  throw invalidRequest('Query parameter variant was given more than once; pass it once.');
}

function readInteger(value: unknown, name: string, min: number, max: number): number {
  if (value === undefined) {
    return min;
  }
  if (typeof value !== 'string') {
    throw invalidRequest(`Query parameter ${name} was given more than once; pass it once.`);
  }
  const number = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    // The message leaves out the value, because the client chose it.
    throw invalidRequest(
      `Query parameter ${name} must be a decimal integer from ${min} to ${max}; fix its value.`,
    );
  }
  return number;
}

/** Validates a cancel body: none at all, or an empty JSON object. */
export function checkCancelBody(body: unknown): void {
  if (body === undefined) {
    return;
  }
  const isEmptyObject = typeof body === 'object' && body !== null && !Array.isArray(body)
    && Object.keys(body).length === 0;
  if (!isEmptyObject) {
    throw invalidRequest('A cancel body must be the empty JSON object {} or nothing at all.');
  }
}

/**
 * Validates a refresh body: none at all, or an empty JSON object. The gateway renders saved
 * variants only, so any field is an error.
 */
export function checkRefreshBody(body: unknown): void {
  if (body === undefined) {
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('A refresh body must be the empty JSON object {} or nothing at all.');
  }
  const fields = Object.keys(body);
  if (fields.length > 0) {
    const names = fields.slice(0, 5).map((field) => `"${clip(field)}"`).join(', ');
    throw invalidRequest(
      `Unknown field ${names} in the refresh body; a refresh takes no parameters, send {}.`,
    );
  }
}

/** Throws 415 unless the request declares `Content-Type: application/json`. */
export function checkJsonContentType(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw unsupportedMediaType();
  }
}

export function unsupportedMediaType(): GatewayHttpError {
  return new GatewayHttpError(
    415,
    'unsupported_media_type',
    'A refresh or cancel request must be sent with Content-Type: application/json and a body of ' +
      '{} or nothing.',
  );
}

export function unknownReport(name: string): GatewayHttpError {
  const quotedName = REPORT_NAME_PATTERN.test(name) ? `"${name}"` : 'of that name';
  return new GatewayHttpError(
    404,
    'unknown_report',
    `No report ${quotedName} is configured in the gateway; check the report name.`,
  );
}

export function unknownRender(): GatewayHttpError {
  return new GatewayHttpError(
    404,
    'unknown_render',
    'No render has that handle: it is malformed, has expired ' +
      `(${HANDLE_LIFETIME_MS / 3_600_000} hours after it was issued), was signed with another ` +
      "gateway's secret, or names a report that is no longer configured. Start a refresh to " +
      'get a new handle.',
  );
}

/** Shortens a client-supplied string before it goes into an error message. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
