import type { FastifyRequest } from 'fastify';
import { unverifiedRenderId } from './handles.js';

/** Path segments longer than this are cut in log lines. */
const MAX_LOGGED_SEGMENT_LENGTH = 64;
/** Characters kept of a render handle whose render id cannot be read. */
const KEPT_HANDLE_CHARACTERS = 8;
const RENDERS_PREFIX = '/v1/renders/';

/**
 * Returns the request target as it goes into log lines: the path without the query string,
 * which carries client-chosen values, and without the scheme and host of an absolute-form
 * target. A render handle, also before `/cancel`, becomes its render id, the name other log
 * lines give the render, or its first characters when no id can be read. Other long
 * segments are cut.
 */
export function loggedPath(url: string): string {
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const path = target.split('?')[0] ?? '';
  if (path.startsWith(RENDERS_PREFIX)) {
    const [handle = '', ...rest] = path.slice(RENDERS_PREFIX.length).split('/');
    const renderId = unverifiedRenderId(handle);
    const suffix = rest.map((segment) => `/${cut(segment, MAX_LOGGED_SEGMENT_LENGTH)}`).join('');
    return RENDERS_PREFIX + (renderId ?? cut(handle, KEPT_HANDLE_CHARACTERS)) + suffix;
  }
  return path
    .split('/')
    .map((segment) => cut(segment, MAX_LOGGED_SEGMENT_LENGTH))
    .join('/');
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/**
 * Serializes a request for pino's `req` field, as fastify's default serializer does, but with
 * the path of `loggedPath` in place of the whole URL.
 */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: loggedPath(request.url),
    version: request.headers['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
