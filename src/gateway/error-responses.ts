import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayHttpError, invalidRequest } from './errors.js';
import { unsupportedMediaType } from './request-input.js';

/** Largest request body accepted, in bytes; a refresh body is `{}` or empty. */
export const BODY_LIMIT_BYTES = 1024;

/** Routes of the protocol with the methods each allows, for 405 responses. */
const ROUTE_METHODS: ReadonlyArray<{ pattern: RegExp; allow: string }> = [
  { pattern: /^\/v1\/reports\/[^/]+\/refresh$/, allow: 'POST' },
  { pattern: /^\/v1\/reports\/[^/]+$/, allow: 'GET, HEAD' },
  { pattern: /^\/v1\/renders\/[^/]+$/, allow: 'GET, HEAD' },
  { pattern: /^\/(healthz|readyz)$/, allow: 'GET, HEAD' },
];

/** Called with each error response before it is sent, and the error that caused it. */
export type ErrorResponseListener = (
  request: FastifyRequest,
  response: GatewayHttpError,
  cause: unknown,
) => void;

/**
 * Makes every error response, fastify's own included, a GatewayErrorBody with one of the
 * protocol's statuses.
 */
export function registerErrorResponses(
  app: FastifyInstance,
  onErrorResponse?: ErrorResponseListener,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let httpError = toHttpError(error);
    if (httpError === undefined) {
      request.log.error({ err: error }, 'Unexpected error while handling the request');
      httpError = internalError();
    }
    onErrorResponse?.(request, httpError, error);
    return send(reply, httpError);
  });

  app.setNotFoundHandler((request, reply) => send(reply, routeNotFound(request)));
}

function send(reply: FastifyReply, error: GatewayHttpError): FastifyReply {
  return reply.code(error.statusCode).headers(error.headers).send(error.toBody());
}

/** Maps an error to its HTTP error, or returns undefined for an unexpected one. */
function toHttpError(error: FastifyError): GatewayHttpError | undefined {
  if (error instanceof GatewayHttpError) {
    return error;
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalidRequest(
        `The request body is larger than ${BODY_LIMIT_BYTES} bytes; a refresh body is {} or empty.`,
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidRequest('The request body is not valid JSON; send {} or an empty body.');
    default:
      break;
  }
  if (error.statusCode === 415) {
    return unsupportedMediaType();
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return invalidRequest(`Invalid request: ${error.message}`);
  }
  return undefined;
}

/** A 405 for a known route with another method, otherwise a 404. */
function routeNotFound(request: FastifyRequest): GatewayHttpError {
  const path = request.url.split('?')[0] ?? '';
  const route = ROUTE_METHODS.find(({ pattern }) => pattern.test(path));
  if (route !== undefined) {
    return new GatewayHttpError(
      405,
      'method_not_allowed',
      `Method ${request.method} is not allowed on ${path}; use ${route.allow}.`,
      { allow: route.allow },
    );
  }
  return new GatewayHttpError(
    404,
    'not_found',
    'No such route; the gateway serves GET /v1/reports/{name}, ' +
      'POST /v1/reports/{name}/refresh, GET /v1/renders/{handle}, GET /healthz and GET /readyz.',
  );
}

/** Creates the response to a failure of the gateway itself. */
function internalError(): GatewayHttpError {
  return new GatewayHttpError(
    500,
    'internal_error',
    'The gateway failed unexpectedly while handling the request; see the gateway log.',
  );
}
