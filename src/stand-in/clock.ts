/**
 * Wall-clock time in nanoseconds, and the two time formats Connect uses: RFC 3339 in JSON
 * and `YYYY/MM/DD HH:MM:SS.nnnnnnnnn` in front of task output lines.
 */

const NS_PER_MS = 1_000_000n;

/** Offset from the monotonic clock to Unix time, so readings keep nanosecond resolution. */
const EPOCH_OFFSET_NS = BigInt(Date.now()) * NS_PER_MS - process.hrtime.bigint();

/** Returns the current Unix time in nanoseconds. */
export function nowNs(): bigint {
  return EPOCH_OFFSET_NS + process.hrtime.bigint();
}

function pad(value: number | bigint, width: number): string {
  return value.toString().padStart(width, '0');
}

function splitNs(ns: bigint): { date: Date; fractionNs: bigint } {
  const ms = ns / NS_PER_MS;
  return { date: new Date(Number(ms)), fractionNs: ns % 1_000_000_000n };
}

/** Formats a time as Connect's output prefix, in UTC: `2024/04/24 13:08:04.901698921`. */
export function formatOutputTimestamp(ns: bigint): string {
  const { date, fractionNs } = splitNs(ns);
  const day = `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1, 2)}/`
    + pad(date.getUTCDate(), 2);
  const time = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:`
    + pad(date.getUTCSeconds(), 2);
  return `${day} ${time}.${pad(fractionNs, 9)}`;
}

/**
 * Formats a time as RFC 3339 in UTC. Connect sends whole seconds for content and jobs
 * (`2024-07-12T20:52:06Z`) and microseconds for variants (`2024-07-17T18:33:49.284709Z`).
 */
export function formatRfc3339(ns: bigint, fractionDigits: 0 | 6 = 0): string {
  const { date, fractionNs } = splitNs(ns);
  const seconds = date.toISOString().slice(0, 19);
  if (fractionDigits === 0) {
    return `${seconds}Z`;
  }
  return `${seconds}.${pad(fractionNs / 1000n, 6)}Z`;
}
