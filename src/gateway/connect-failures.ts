import type { FastifyBaseLogger } from 'fastify';
import {
  ConnectApiError,
  ConnectResponseError,
  ConnectUnreachableError,
  NotRenderableError,
  type RetryEvent,
  VariantSelectionError,
} from '../connect/index.js';
import { GatewayHttpError } from './errors.js';

/** Connect status and application code of a failure, for log lines. */
export function connectFailureFields(error: unknown): Record<string, unknown> {
  if (error instanceof ConnectApiError) {
    return { connectStatus: error.status, connectCode: error.code, errorName: error.name };
  }
  if (error instanceof Error) {
    return { connectStatus: null, connectCode: null, errorName: error.name };
  }
  return { connectStatus: null, connectCode: null, errorName: typeof error };
}

/**
 * Turns a failed Connect call made for `reportName` into the gateway's error response.
 * Messages name the report and the Connect status, never the API key or the task id. With
 * `variant`, the key of the variant that a render named, a "not found" names the variant.
 */
export function toGatewayError(
  error: unknown,
  reportName: string,
  variant: string | null = null,
): GatewayHttpError {
  if (variant !== null && isMissingVariant(error)) {
    return new GatewayHttpError(
      502,
      'connect_error',
      `Connect has no variant "${variant}" of the content configured for report ` +
        `${reportName}; check the variant keys of the report in the gateway config.`,
    );
  }
  if (error instanceof NotRenderableError) {
    return new GatewayHttpError(
      502,
      'not_renderable',
      `Report ${reportName} is Connect content of type "${error.appMode}", which Connect ` +
        'runs rather than renders; configure a rendered report (R Markdown, Quarto or Jupyter).',
    );
  }
  if (error instanceof ConnectApiError) {
    return fromApiError(error, reportName);
  }
  if (error instanceof ConnectUnreachableError) {
    const failure = error.timedOut ? 'did not respond in time' : 'could not be reached';
    return new GatewayHttpError(
      503,
      'connect_unavailable',
      `Connect ${failure} while handling report ${reportName}; try again later.`,
    );
  }
  if (error instanceof ConnectResponseError) {
    return new GatewayHttpError(
      502,
      'connect_error',
      `Connect sent an unexpected response for report ${reportName}; see the gateway log.`,
    );
  }
  return new GatewayHttpError(
    502,
    'connect_error',
    `The request to Connect for report ${reportName} failed; see the gateway log.`,
  );
}

function fromApiError(error: ConnectApiError, reportName: string): GatewayHttpError {
  const status = describeStatus(error);
  if (error.status === 401) {
    return new GatewayHttpError(
      403,
      'connect_forbidden',
      `Connect rejected the gateway's API key for report ${reportName} (${status}): the key is ` +
        'invalid or expired. Replace the key in CONNECT_API_KEY with a valid one.',
    );
  }
  if (error.status === 403) {
    return new GatewayHttpError(
      403,
      'connect_forbidden',
      `Connect refused the gateway's API key for report ${reportName} (${status}); give the ` +
        "key's user collaborator rights on the content.",
    );
  }
  if (error.status === 404 && error.code === null) {
    // Connect's own 404 carries an error code, so a bare one comes from another server.
    return new GatewayHttpError(
      502,
      'connect_error',
      `The server in CONNECT_SERVER answered ${status} without a Connect error code for report ` +
        `${reportName}; check that CONNECT_SERVER points at Posit Connect, then the GUID in the ` +
        'gateway config.',
    );
  }
  if (error.status === 404) {
    return new GatewayHttpError(
      502,
      'connect_error',
      `Connect does not know the content configured for report ${reportName} (${status}); ` +
        'check the GUID in the gateway config.',
    );
  }
  if (error.status === 429) {
    const retryAfterS = Math.max(1, Math.ceil((error.retryAfterMs ?? 5000) / 1000));
    return new GatewayHttpError(
      503,
      'connect_unavailable',
      `Connect is limiting the gateway's requests for report ${reportName} (${status}); ` +
        `try again in ${retryAfterS} s.`,
      { 'retry-after': String(retryAfterS) },
    );
  }
  if (error.status >= 500) {
    return new GatewayHttpError(
      503,
      'connect_unavailable',
      `Connect failed with a server error for report ${reportName} (${status}); try again later.`,
    );
  }
  return new GatewayHttpError(
    502,
    'connect_error',
    `Connect rejected the request for report ${reportName} (${status}); see the gateway log.`,
  );
}

/**
 * Returns true when Connect did not find what a render of a named variant asked for: the
 * legacy route found no variant of that key, or the v1 route responded 404 with an error code
 * (without one, the route itself is missing).
 */
function isMissingVariant(error: unknown): boolean {
  if (error instanceof VariantSelectionError) {
    return true;
  }
  return error instanceof ConnectApiError && error.status === 404 && error.code !== null;
}

function describeStatus(error: ConnectApiError): string {
  return error.code === null ? `HTTP ${error.status}` : `HTTP ${error.status}, code ${error.code}`;
}

/** Logs a Connect failure with the report name, Connect's status and code, and the message. */
export function logConnectFailure(
  logger: FastifyBaseLogger,
  error: unknown,
  reportName: string,
  action: string,
): void {
  const reason = connectFailureReason(error);
  logger.warn(
    { report: reportName, action, ...connectFailureFields(error), reason },
    `Connect call failed while trying to ${action} for report ${reportName}`,
  );
}

/** Logs a Connect GET request that failed and is about to be sent again. */
export function logConnectRetry(logger: FastifyBaseLogger, event: RetryEvent): void {
  logger.warn(
    {
      method: event.method,
      path: event.path,
      attempt: event.attempt,
      retryInMs: event.delayMs,
      ...connectFailureFields(event.error),
      reason: connectFailureReason(event.error),
    },
    'Connect request failed; retrying',
  );
}

/**
 * Returns an error's message for the `reason` field of a log line. The Connect client ends
 * Connect's own sentence with a period and then adds one of its own, so a doubled sentence
 * end ("operation.. The API key") becomes one. An ellipsis ("...") stays as it is.
 */
export function connectFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(?<!\.)([.!?])\.(?=\s|$)/g, '$1');
}
