/**
 * Time formatting for the element: relative ages ("5 minutes ago"), absolute times with date,
 * time and zone, elapsed times (m:ss), the time left of a cooldown, and how soon each shown
 * time needs to be shown again.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Units from the largest down, with their length in ms; months and years are approximate. */
const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * DAY_MS],
  ['month', 30 * DAY_MS],
  ['day', DAY_MS],
  ['hour', HOUR_MS],
  ['minute', MINUTE_MS],
  ['second', SECOND_MS],
];

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
const absoluteFormats = new Map<string, Intl.DateTimeFormat>();

function unitFor(ageMs: number): [Intl.RelativeTimeFormatUnit, number] {
  return UNITS.find(([, size]) => ageMs >= size) ?? ['second', SECOND_MS];
}

/**
 * Formats an age in ms as a past relative time in the locale ("5 minutes ago", "yesterday").
 * Negative ages, which come from clock skew, are shown as "now".
 */
export function formatAge(ageMs: number, locale: string | undefined): string {
  const age = Math.max(0, ageMs);
  const [unit, size] = unitFor(age);
  const count = Math.floor(age / size);
  let format = relativeFormats.get(locale ?? '');

  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale ?? '', format);
  }

  return format.format(count === 0 ? 0 : -count, unit);
}

/** Formats a time in ms since the epoch with date, time and time zone, in the locale. */
export function formatAbsoluteTime(timeMs: number, locale: string | undefined): string {
  let format = absoluteFormats.get(locale ?? '');

  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'long' });
    absoluteFormats.set(locale ?? '', format);
  }

  return format.format(timeMs);
}

/** Formats a duration in ms as minutes and seconds (m:ss); negative durations count as 0:00. */
export function formatElapsed(durationMs: number): string {
  const totalSeconds = Math.floor(Math.max(0, durationMs) / SECOND_MS);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;

  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/**
 * Formats the time left of a wait as m:ss, or h:mm:ss from one hour on. Partial seconds count
 * as whole ones, so 0:00 appears only when the wait is over.
 */
export function formatCountdown(remainingMs: number): string {
  const totalSeconds = Math.ceil(Math.max(0, remainingMs) / SECOND_MS);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');

  if (hours === 0) {
    return `${minutes}:${seconds}`;
  }

  return `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`;
}

/** Parses an RFC 3339 time into ms since the epoch, or returns null for null or an invalid time. */
export function parseTime(value: string | null): number | null {
  if (value === null) {
    return null;
  }

  const time = Date.parse(value);

  return Number.isNaN(time) ? null : time;
}
