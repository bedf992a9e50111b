/**
 * Returns the gateway URL in the form that the keys of shared work use: resolved against the
 * page's base URL, without trailing slashes. So `/gw`, `/gw/` and the full URL give one key, both
 * on one page and across tabs of one origin.
 */
export function gatewayKeyPart(gateway: string): string {
  const trimmed = gateway.trim();

  try {
    return new URL(trimmed, document.baseURI).href.replace(/\/+$/, '');
  } catch {
    // An invalid URL fails on every request anyway, and the trimmed text still keys it.
    return trimmed;
  }
}
