/**
 * Builds a `Cookie` request header value from the `Set-Cookie` headers of a response, or
 * returns null when the response set none. Attributes (Path, Expires, HttpOnly, …) are
 * dropped and only `name=value` is kept. When a name repeats, the last value wins.
 * Clustered Connect uses these cookies to route task polls to the node that runs the task.
 */
export function collectCookies(headers: Headers): string | null {
  const pairs = new Map<string, string>();

  for (const setCookie of readSetCookies(headers)) {
    const pair = setCookie.split(';', 1)[0]!.trim();
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      continue;
    }
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    pairs.set(name, value);
  }

  if (pairs.size === 0) {
    return null;
  }
  return [...pairs].map(([name, value]) => `${name}=${value}`).join('; ');
}

/**
 * Lists the `Set-Cookie` headers one by one. A `fetch` replacement whose Headers lack
 * `getSetCookie` yields none, because the comma-joined `get('set-cookie')` cannot be split
 * safely (Expires dates contain commas).
 */
function readSetCookies(headers: Headers): string[] {
  if (typeof headers.getSetCookie !== 'function') {
    return [];
  }
  return headers.getSetCookie();
}
