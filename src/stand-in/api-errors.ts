import type { FastifyReply } from 'fastify';

/** An error that Connect reports with its JSON envelope. */
interface ApiErrorSpec {
  status: number;
  code: number;
  message: string;
}

/**
 * The Connect error codes the stand-in sends, with the HTTP status and message of Connect's
 * API error table (API reference 2023.09.0; code 141's text matches the 2026 reference).
 */
export const API_ERRORS = {
  internal: { status: 500, code: 1, message: 'An internal failure occurred.' },
  objectDoesNotExist: { status: 404, code: 4, message: 'The requested object does not exist.' },
  noViewPermission: {
    status: 403,
    code: 19,
    message: "You don't have permission to access this item.",
  },
  permissionDenied: {
    status: 403,
    code: 22,
    message: "You don't have permission to perform this operation.",
  },
  authRequired: {
    status: 401,
    code: 24,
    message: 'The requested operation requires authentication.',
  },
  invalidParameter: { status: 400, code: 25, message: 'The parameter is invalid.' },
  unsupportedAction: {
    status: 400,
    code: 39,
    message: 'The application does not support this action.',
  },
  unparsableBody: { status: 400, code: 87, message: 'The request body cannot be parsed' },
  invalidJson: { status: 400, code: 121, message: 'The request JSON is invalid.' },
  taskDoesNotExist: {
    status: 404,
    code: 141,
    message: 'Task lookup failures can indicate that a load balancer is not using sticky '
      + 'sessions or a client is not including the session cookie. Details: '
      + 'https://docs.posit.co/connect/admin/load-balancing/',
  },
  invalidInclude: { status: 400, code: 161, message: 'The include option specified is not valid' },
  // NOTE: Connect names code 277 RateLimitExceeded but documents neither its HTTP status nor
  // its message; 429 and this text are the stand-in's guess.
  rateLimitExceeded: {
    status: 429,
    code: 277,
    message: 'Rate limit exceeded. Retry after the time in the Retry-After header.',
  },
  inactiveJob: {
    status: 409,
    code: 163,
    message: 'The specified job cannot be terminated because it is not active',
  },
} as const satisfies Record<string, ApiErrorSpec>;

export type ApiErrorName = keyof typeof API_ERRORS;

/** Sends Connect's error envelope `{code, error, payload: null}` with the error's status. */
export function sendApiError(reply: FastifyReply, name: ApiErrorName): FastifyReply {
  const spec = API_ERRORS[name];
  return reply.code(spec.status).send({ code: spec.code, error: spec.message, payload: null });
}

/**
 * Sends Go's plain-text not-found page, which Connect returns for routes it does not have.
 * Clients use the missing JSON `code` to tell a missing route from a missing object.
 */
export function sendRouteNotFound(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send('404 page not found\n');
}
