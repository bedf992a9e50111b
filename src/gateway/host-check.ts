import type { FastifyInstance } from 'fastify';
import type { AuthConfig } from './config.js';
import { GatewayHttpError } from './errors.js';
import { isLoopbackAddress } from './auth/address-blocks.js';

/** Characters of a Host header value: a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PATTERN = /^[A-Za-z0-9.\-[\]:]+$/;

/**
 * Returns true when a Host header value names this machine by a loopback name or address:
 * `localhost`, a name under `.localhost`, an address in 127.0.0.0/8 or `[::1]`, with any port.
 */
export function isLoopbackHost(host: string): boolean {
  if (!HOST_PATTERN.test(host)) {
    return false;
  }
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    return true;
  }
  return isLoopbackAddress(hostname);
}

/**
 * Returns true when the gateway accepts requests under any Host name. That holds once
 * `auth.anonymous` is set explicitly. Left unset, anonymous access rests on the gateway
 * listening on loopback, and a page on another site could reach it through DNS rebinding:
 * its own name resolving to 127.0.0.1, sent as Host. So then only loopback names pass.
 */
export function acceptsAnyHost(auth: AuthConfig): boolean {
  return auth.anonymous !== null;
}

/**
 * Registers the Host check: while `auth.anonymous` is unset, requests whose Host header is not
 * a loopback name or address get 403 `host_not_allowed` before any other check. Requests
 * without Host pass, because browsers always send one.
 */
export function registerHostCheck(app: FastifyInstance, auth: AuthConfig): void {
  if (acceptsAnyHost(auth)) {
    return;
  }
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (host !== undefined && !isLoopbackHost(host)) {
      throw hostNotAllowed();
    }
  });
}

function hostNotAllowed(): GatewayHttpError {
  return new GatewayHttpError(
    403,
    'host_not_allowed',
    'The request\'s Host header is not a loopback name or address. Without auth.anonymous in ' +
      'its config, the gateway serves only requests addressed to localhost, 127.0.0.1 or ' +
      '[::1]; set auth.anonymous to serve other host names.',
  );
}
