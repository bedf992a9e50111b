import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CorsConfig } from './config.js';
import { GatewayHttpError } from './errors.js';
import { isLoopbackHost } from './host-check.js';
import { RejectedOriginWarnings } from './origin-warnings.js';
import { loggedPath } from './request-log.js';

/** How long browsers may cache a preflight response, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;
const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** Response headers that pages may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'Retry-After';
const SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/**
 * Registers the CORS allow-list and the origin check:
 * - preflights from allowed origins get 204 with the grant headers, others 403;
 * - responses to allowed origins carry `Access-Control-Allow-Origin` with that origin;
 * - a state-changing request whose `Origin` is neither allowed nor the gateway's own origin
 *   gets 403 `origin_not_allowed` before any route handler runs.
 * Unless `anyHost` is true, the gateway's own origin counts only under a loopback Host, so a
 * page on a rebound DNS name never passes for the gateway itself. Requests from origins that
 * are neither allowed nor the gateway's own also log a throttled warning (see
 * RejectedOriginWarnings), because browsers show their pages only a network error.
 */
export function registerCors(app: FastifyInstance, config: CorsConfig, anyHost: boolean): void {
  const allowed = new Set(config.origins);
  const warnings = new RejectedOriginWarnings(app.log);

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (origin === undefined) {
      return;
    }
    if (allowed.has(origin)) {
      grantOrigin(reply, origin, config.credentials);
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      return;
    }
    if (origin === ownOrigin(request, anyHost)) {
      return;
    }
    warnings.warn(origin, { method: request.method, path: loggedPath(request.url) });
    if (!SAFE_METHODS.includes(request.method)) {
      throw originNotAllowed();
    }
  });

  // Preflights to every path get a response, so a browser learns about a refused origin from
  // the 403 and not from a misleading 404.
  app.options('/*', async (request, reply) => {
    const origin = request.headers.origin;
    const isPreflight =
      origin !== undefined && request.headers['access-control-request-method'] !== undefined;
    if (!isPreflight) {
      return reply.callNotFound();
    }
    if (!allowed.has(origin)) {
      throw originNotAllowed();
    }
    return reply
      .code(204)
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
      .send();
  });
}

function grantOrigin(reply: FastifyReply, origin: string, credentials: boolean): void {
  reply.header('access-control-allow-origin', origin);
  if (credentials) {
    reply.header('access-control-allow-credentials', 'true');
  }
}

/**
 * Returns the origin of the gateway as the request addressed it: its scheme and Host. Returns
 * undefined when Host is missing or, unless `anyHost` is true, not a loopback name or address.
 * NOTE: behind a reverse proxy that terminates TLS or rewrites Host, pages on the proxy's
 * origin do not match this one, so that origin must be listed in cors.origins.
 */
function ownOrigin(request: FastifyRequest, anyHost: boolean): string | undefined {
  const host = request.headers.host;
  if (host === undefined || (!anyHost && !isLoopbackHost(host))) {
    return undefined;
  }
  try {
    return new URL(`${request.protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** Creates the 403 error; its message leaves out the origin, which the client controls. */
function originNotAllowed(): GatewayHttpError {
  return new GatewayHttpError(
    403,
    'origin_not_allowed',
    "Requests from the origin in the Origin header are not allowed; add that origin to " +
      "cors.origins in the gateway's config to let pages there call the gateway.",
  );
}
