/**
 * Connect's prefix on task output lines: `YYYY/MM/DD HH:MM:SS.fraction ` with a fraction of
 * at least 3 digits (Connect writes nanoseconds), followed by one space.
 */
const TIMESTAMP_PREFIX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{3,} /;

/**
 * Removes Connect's timestamp prefix from one task output line. A line without the prefix
 * is returned unchanged.
 */
export function stripTimestamp(line: string): string {
  return line.replace(TIMESTAMP_PREFIX, '');
}
