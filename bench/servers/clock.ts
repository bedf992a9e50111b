/**
 * Returns the current time as fractional milliseconds since the Unix epoch. Chromium's
 * `performance.timeOrigin + performance.now()` counts on the same scale, so times taken in
 * the bench's processes and in a page on this machine can be subtracted.
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
