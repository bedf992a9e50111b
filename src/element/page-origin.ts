import type { Messages, Text } from './messages.js';

/** The serialized form of an opaque origin, such as a sandboxed frame's. */
const OPAQUE_ORIGIN = 'null';

/** Returns the page's origin, or "this page" for an opaque origin such as a sandboxed frame. */
export function describePageOrigin(messages: Messages): string {
  const origin = globalThis.location?.origin;

  return origin && origin !== OPAQUE_ORIGIN ? origin : messages.opaqueOrigin;
}

/**
 * Returns the hint for the detail of a network error on a request to another origin than the
 * page's. A browser reports a request that the gateway's CORS settings reject just like one to a
 * gateway that is down, so the hint names both causes. Returns null for a request to the page's
 * own origin, and for a page with an opaque origin, which `cors.origins` cannot list.
 */
export function crossOriginHint(requestUrl: string): Text | null {
  const page = globalThis.location?.origin;

  if (!page || page === OPAQUE_ORIGIN) {
    return null;
  }

  let gateway: string;

  try {
    gateway = new URL(requestUrl, globalThis.location.href).origin;
  } catch {
    return null;
  }

  if (gateway === page || gateway === OPAQUE_ORIGIN) {
    return null;
  }

  return (messages) => messages.crossOriginHint(gateway, page);
}
