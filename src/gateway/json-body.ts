import type { FastifyInstance } from 'fastify';
import { invalidRequest } from './errors.js';

/**
 * Replaces fastify's JSON parser with one that also accepts an empty body, because a refresh
 * may come without one. Other media types have no parser, so fastify rejects them with 415.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body.toString();
    if (text === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseJsonBody(text));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/**
 * Parses a JSON request body. Throws a 400 GatewayHttpError when the text is not JSON, or
 * when it has a `__proto__` key or a `constructor` object with a `prototype` key anywhere,
 * because code that copies such an object into another could change its prototype. Fastify's
 * own parser rejects the same keys, but calls the body invalid JSON.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's message quotes the text, so it is not repeated.
    throw invalidRequest('The request body is not valid JSON; send {} or an empty body.');
  }
  const field = findPrototypeKey(value, '');
  if (field !== undefined) {
    throw invalidRequest(
      `The request body's field ${field} is not allowed, because it could change object ` +
        'prototypes; a refresh body is {} or empty.',
    );
  }
  return value;
}

/** Returns the path of the first prototype key in a parsed JSON value, or undefined. */
function findPrototypeKey(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findPrototypeKey(item, `${path}[${index}]`);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path === '' ? key : `${path}.${key}`;
    if (key === '__proto__') {
      return itemPath;
    }
    if (key === 'constructor' && typeof item === 'object' && item !== null
      && Object.hasOwn(item, 'prototype')) {
      return `${itemPath}.prototype`;
    }
    const found = findPrototypeKey(item, itemPath);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}
