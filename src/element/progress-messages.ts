import type { LogProgress } from './log-progress.js';

/**
 * English text of the render estimate, visible and accessible. Each function takes the
 * element's locale (undefined for the browser's) for its numbers and units, which Intl formats.
 * The words themselves are English only.
 */

/** Upper quartile in seconds from which the typical range is shown in minutes, not seconds. */
const SECONDS_RANGE_MAX = 90;

const unitFormats = new Map<string, Intl.NumberFormat>();
const percentFormats = new Map<string, Intl.NumberFormat>();

function unitFormat(
  locale: string | undefined,
  unit: 'second' | 'minute',
  unitDisplay: 'short' | 'long',
): Intl.NumberFormat {
  const key = `${locale ?? ''}|${unit}|${unitDisplay}`;
  let format = unitFormats.get(key);

  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay });
    unitFormats.set(key, format);
  }

  return format;
}

function percentFormat(locale: string | undefined): Intl.NumberFormat {
  let format = percentFormats.get(locale ?? '');

  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    percentFormats.set(locale ?? '', format);
  }

  return format;
}

/**
 * Formats the typical range of render durations, given in seconds, such as "usually 2–4 min".
 * Ranges that end under SECONDS_RANGE_MAX show whole seconds, longer ones whole minutes (at
 * least 1), and a range whose ends round to the same number shows that number alone.
 */
export function typicalRangeText(
  locale: string | undefined,
  lowSeconds: number,
  highSeconds: number,
): string {
  const inSeconds = highSeconds < SECONDS_RANGE_MAX;
  const format = unitFormat(locale, inSeconds ? 'second' : 'minute', 'short');
  const round = (seconds: number) =>
    inSeconds ? Math.round(seconds) : Math.max(1, Math.round(seconds / 60));
  const low = round(lowSeconds);
  const high = round(highSeconds);
  const range = low === high ? format.format(low) : format.formatRange(low, high);

  return `usually ${range}`;
}

/** Returns the visible text once the render has run past the typical range. */
export function longerThanUsualText(): string {
  return 'taking longer than usual';
}

/**
 * Formats the accessible value of the progress bar from the recent durations, from the
 * seconds left until the median: "About 2 minutes left" down to 45 s, "Less than a minute
 * left" below, and "Should finish soon" once the render has passed the median.
 */
export function timeLeftText(locale: string | undefined, remainingSeconds: number): string {
  if (remainingSeconds <= 0) {
    return 'Should finish soon';
  }

  if (remainingSeconds < 45) {
    return 'Less than a minute left';
  }

  const minutes = Math.max(1, Math.round(remainingSeconds / 60));

  return `About ${unitFormat(locale, 'minute', 'long').format(minutes)} left`;
}

/**
 * Returns the accessible value of the progress bar once the render has run past the typical
 * range.
 */
export function longerThanUsualValueText(): string {
  return 'Taking longer than usual';
}

/** Formats the accessible value of the progress bar from the progress in the render log. */
export function logProgressText(locale: string | undefined, progress: LogProgress): string {
  switch (progress.kind) {
    case 'percent':
      return `${percentFormat(locale).format(progress.percent / 100)} of chunks started`;
    case 'chunk':
      return `Running chunk ${progress.step} of ${progress.total}`;
    case 'cell':
      return `${progress.done} of ${progress.total} cells run`;
  }
}
