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
];

/**
 * Makes every error response, fastify's own included, a GatewayErrorBody with one of the
 * protocol's statuses.
 */
export function registerErrorResponses(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const httpError = toHttpError(error);
    if (httpError === undefined) {
      request.log.error({ err: error }, 'Unexpected error while handling the request');
      return send(reply, internalError());
    }
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
  // TODO: the protocol has no error code for an unknown route, so this 404 borrows
  // invalid_request. A dedicated code would let clients tell it from a 400.
  return new GatewayHttpError(
    404,
    'invalid_request',
    'No such route; the gateway serves GET /v1/reports/{name}, ' +
      'POST /v1/reports/{name}/refresh and GET /v1/renders/{handle}.',
  );
}

/**
 * Creates the response to a failure of the gateway itself.
 * TODO: the protocol has no code for the gateway's own failures, so this 500 borrows
 * connect_error.
 */
function internalError(): GatewayHttpError {
  return new GatewayHttpError(
    500,
    'connect_error',
    'The gateway failed unexpectedly while handling the request; see the gateway log.',
  );
}
