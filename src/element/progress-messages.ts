import type { LogProgress } from './log-progress.js';
import type { Messages } from './messages.js';

/**
 * Text of the render estimate, visible and accessible. Each function takes the messages of the
 * element's language for the words, and its locale (undefined for the browser's) for the numbers
 * and units, which Intl formats.
 */

/** Upper quartile in seconds from which the typical range is shown in minutes, not seconds. */
const SECONDS_RANGE_MAX = 90;

const unitFormats = new Map<string, Intl.NumberFormat>();
const percentFormats = new Map<string, Intl.NumberFormat>();

function unitFormat(
  locale: string | undefined,
  unit: 'second' | 'minute' | 'hour',
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
  messages: Messages,
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

  return messages.usually(range);
}

/**
 * Formats the duration of one render, given in seconds, such as "41 sec", "12 min" or
 * "1.5 hr": whole seconds under SECONDS_RANGE_MAX, whole minutes under 90 minutes, and hours
 * with one decimal from then on.
 */
export function renderDurationText(locale: string | undefined, seconds: number): string {
  if (seconds < SECONDS_RANGE_MAX) {
    return unitFormat(locale, 'second', 'short').format(Math.round(seconds));
  }

  const minutes = Math.round(seconds / 60);

  if (minutes < 90) {
    return unitFormat(locale, 'minute', 'short').format(minutes);
  }

  return unitFormat(locale, 'hour', 'short').format(Math.round(seconds / 360) / 10);
}

/**
 * Formats the accessible value of the progress bar from the recent durations, from the
 * seconds left until the median: "About 2 minutes left" down to 45 s, "Less than a minute
 * left" below, and "Should finish soon" once the render has passed the median.
 */
export function timeLeftText(
  messages: Messages,
  locale: string | undefined,
  remainingSeconds: number,
): string {
  if (remainingSeconds <= 0) {
    return messages.shouldFinishSoon;
  }

  if (remainingSeconds < 45) {
    return messages.lessThanMinuteLeft;
  }

  const minutes = Math.max(1, Math.round(remainingSeconds / 60));

  return messages.timeLeft(unitFormat(locale, 'minute', 'long').format(minutes));
}

/** Formats the accessible value of the progress bar from the progress in the render log. */
export function logProgressText(
  messages: Messages,
  locale: string | undefined,
  progress: LogProgress,
): string {
  switch (progress.kind) {
    case 'percent':
      return messages.chunksStarted(percentFormat(locale).format(progress.percent / 100));
    case 'chunk':
      return messages.runningChunk(progress.step, progress.total);
    case 'cell':
      return messages.cellsRun(progress.done, progress.total);
  }
}
