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
 * Returns true when the gateway accepts requests under any Host name, which is the case once
 * `auth.anonymous` is set explicitly. While it is unset, anonymous access relies on the gateway
 * listening on loopback. A page on another site could then reach it through DNS rebinding (its
 * own name resolving to 127.0.0.1 and sent as Host), so only loopback names pass.
 */
export function acceptsAnyHost(auth: AuthConfig): boolean {
  return auth.anonymous !== null;
}

/**
 * Registers the Host check. A request with more than one Host header gets 400
 * `invalid_request`, because the gateway and a proxy in front of it could each read another
 * one. While `auth.anonymous` is unset, a request addressed to a host that is not a loopback
 * name or address gets 403 `host_not_allowed` before any other check. The address is the
 * authority of an absolute-form request target (`GET http://host/path`), else the Host
 * header. Requests without either pass, because browsers always send a Host header.
 */
export function registerHostCheck(app: FastifyInstance, auth: AuthConfig): void {
  const loopbackOnly = !acceptsAnyHost(auth);
  app.addHook('onRequest', async (request) => {
    if (countHostHeaders(request.raw.rawHeaders) > 1) {
      throw new GatewayHttpError(
        400,
        'invalid_request',
        'The request has more than one Host header; send exactly one.',
      );
    }
    if (!loopbackOnly) {
      return;
    }
    const host = targetAuthority(request.raw.url) ?? request.headers.host;
    if (host !== undefined && !isLoopbackHost(host)) {
      throw hostNotAllowed();
    }
  });
}

/** Counts the Host headers in Node's list of raw header names and values. */
function countHostHeaders(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() === 'host') {
      count += 1;
    }
  }
  return count;
}

/**
 * Returns the authority of an absolute-form request target, or undefined for the usual
 * origin form (`/path`). An absolute target that does not parse yields '', which no loopback
 * check accepts.
 */
function targetAuthority(target: string | undefined): string | undefined {
  if (target === undefined || target.startsWith('/') || target === '*') {
    return undefined;
  }
  try {
    return new URL(target).host;
  } catch {
    return '';
  }
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
