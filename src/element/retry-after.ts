/**
 * Largest delay in ms that setTimeout keeps (2^31 - 1, about 24.8 days). Browsers run a timer
 * with a longer delay at once, so longer waits are shortened to this.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Parses an HTTP `Retry-After` header value into a wait in ms. The value is either a count of
 * seconds or an HTTP date (RFC 9110, section 10.2.3), and a date in the past gives 0. Returns null
 * for a missing or invalid value.
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | null {
  const text = value?.trim() ?? '';

  if (/^\d+$/.test(text)) {
    return Math.min(Number(text) * 1000, MAX_TIMER_DELAY_MS);
  }

  // Date.parse also accepts loose forms such as "December 4, 2026", but HTTP dates start with a
  // weekday.
  if (!/^[A-Za-z]{3},/.test(text)) {
    return null;
  }

  const date = Date.parse(text);

  if (Number.isNaN(date)) {
    return null;
  }

  return Math.min(Math.max(0, date - nowMs), MAX_TIMER_DELAY_MS);
}
