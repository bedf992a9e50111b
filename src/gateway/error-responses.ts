import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayHttpError, invalidRequest } from './errors.js';
import { unknownRender, unknownReport, unsupportedMediaType } from './request-input.js';

/** Largest request body accepted, in bytes; a refresh body is `{}` or empty. */
export const BODY_LIMIT_BYTES = 1024;

/** Headers of every response of the gateway: nothing is cached, no type is sniffed. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * Routes of the protocol with the methods each allows, for 405 responses. `route` names the
 * route in messages, which never repeat the request's path.
 */
const ROUTE_METHODS: ReadonlyArray<{ pattern: RegExp; route: string; allow: string }> = [
  {
    pattern: /^\/v1\/reports\/[^/]+\/refresh$/,
    route: '/v1/reports/{name}/refresh',
    allow: 'POST',
  },
  {
    pattern: /^\/v1\/reports\/[^/]+\/renders$/,
    route: '/v1/reports/{name}/renders',
    allow: 'GET, HEAD',
  },
  { pattern: /^\/v1\/reports\/[^/]+$/, route: '/v1/reports/{name}', allow: 'GET, HEAD' },
  {
    pattern: /^\/v1\/renders\/[^/]+\/cancel$/,
    route: '/v1/renders/{handle}/cancel',
    allow: 'POST',
  },
  { pattern: /^\/v1\/renders\/[^/]+$/, route: '/v1/renders/{handle}', allow: 'GET, HEAD' },
  { pattern: /^\/healthz$/, route: '/healthz', allow: 'GET, HEAD' },
  { pattern: /^\/readyz$/, route: '/readyz', allow: 'GET, HEAD' },
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

/**
 * Sends the protocol's error body for the errors that fastify raises before a route matched:
 * a path with an invalid percent-encoding, or a path parameter over the router's
 * `maxParamLength`. This is fastify's `frameworkErrors` option, because fastify's own bodies
 * repeat the path.
 */
export function sendFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  let httpError: GatewayHttpError;
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      httpError = invalidRequest(
        'The request path contains an invalid percent-encoding; encode each reserved byte ' +
          'as % followed by two hex digits.',
      );
      break;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      httpError = overlongParameter(request);
      break;
    default:
      request.log.error({ err: error }, 'Unexpected error before routing the request');
      httpError = internalError();
  }
  // Fastify runs no hooks for these replies, so the hooks' headers are set here.
  void send(reply.headers(COMMON_HEADERS), httpError);
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

/**
 * Returns the 404 for a path parameter longer than any valid one: no configured report or
 * issued handle is that long.
 */
function overlongParameter(request: FastifyRequest): GatewayHttpError {
  const path = requestPath(request);
  if (path.startsWith('/v1/reports/')) {
    return unknownReport('');
  }
  if (path.startsWith('/v1/renders/')) {
    return unknownRender();
  }
  return routeNotFound(request);
}

/** Returns the path of the request target, also for the absolute form `http://host/path`. */
function requestPath(request: FastifyRequest): string {
  const target = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return target.split('?')[0] ?? '';
}

/** A 405 for a known route with another method, otherwise a 404. */
function routeNotFound(request: FastifyRequest): GatewayHttpError {
  const path = requestPath(request);
  const route = ROUTE_METHODS.find(({ pattern }) => pattern.test(path));
  if (route !== undefined) {
    return new GatewayHttpError(
      405,
      'method_not_allowed',
      `Method ${request.method} is not allowed on ${route.route}; use ${route.allow}.`,
      { allow: route.allow },
    );
  }
  return new GatewayHttpError(
    404,
    'not_found',
    'No such route; the gateway serves GET /v1/reports/{name}, ' +
      'GET /v1/reports/{name}/renders, POST /v1/reports/{name}/refresh, GET /v1/renders/{handle}, ' +
      'POST /v1/renders/{handle}/cancel, GET /healthz and GET /readyz.',
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
