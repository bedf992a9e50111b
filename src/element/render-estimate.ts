/**
 * Estimate of how far a running render is, from the durations of the report's recent
 * successful renders. The estimate assumes that the next render takes about as long as the
 * recent ones: it cannot know about new data or a changed report.
 */

/** Minimum number of recent durations for an estimate. With fewer, only elapsed time shows. */
export const MIN_DURATIONS = 3;

/**
 * Highest fraction that the progress bar shows while the render runs. An estimate or a log
 * that reached its end does not mean the render is done (Pandoc still converts the output), so
 * the bar never shows a full 100% before the render ends.
 */
export const PROGRESS_CAP = 0.95;

/**
 * Fraction that the progress bar shows when a render reaches the median duration. From there it
 * eases toward PROGRESS_CAP, which it reaches at the upper quartile, so the bar keeps moving
 * while a render runs a little longer than the median.
 */
export const MEDIAN_FRACTION = 0.9;

/** Typical length of the report's renders in seconds: the quartiles of the recent durations. */
export interface TypicalDuration {
  /** Lower quartile: a quarter of the recent renders took less. */
  low: number;
  median: number;
  /** Upper quartile: a quarter of the recent renders took longer. Past it, a render is slow. */
  high: number;
}

/** Position of a running render relative to the report's typical duration. */
export type RenderEstimate =
  /** Fewer than MIN_DURATIONS durations are known, so the element shows elapsed time only. */
  | { kind: 'unknown' }
  /** The render has not passed the upper quartile yet. */
  | {
    kind: 'typical';
    typical: TypicalDuration;
    /** Fraction for the progress bar from 0 to PROGRESS_CAP, as progressFraction returns it. */
    fraction: number;
    /** Seconds from now to the median, which are zero or less once the render passed it. */
    remainingSeconds: number;
  }
  /** The render has passed the upper quartile. */
  | { kind: 'longer'; typical: TypicalDuration };

/**
 * Returns the quartiles of `durations` in seconds, or null for fewer than MIN_DURATIONS.
 * Quartiles rather than the minimum and maximum keep one unusual render from widening the range.
 */
export function typicalDuration(durations: readonly number[]): TypicalDuration | null {
  if (durations.length < MIN_DURATIONS) {
    return null;
  }

  const sorted = [...durations].sort((a, b) => a - b);

  return {
    low: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    high: quantile(sorted, 0.75),
  };
}

/**
 * Returns the `p` quantile of sorted values, interpolating linearly between the two nearest
 * ranks (the method that R's `quantile` uses by default, type 7).
 */
export function quantile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const lower = sorted[below]!;
  const upper = sorted[above]!;

  return lower + (upper - lower) * (position - below);
}

/** Compares a render that has run for `elapsedSeconds` with the `typical` duration. */
export function estimateRender(
  elapsedSeconds: number,
  typical: TypicalDuration | null,
): RenderEstimate {
  if (typical === null) {
    return { kind: 'unknown' };
  }

  const elapsed = Math.max(0, elapsedSeconds);

  if (elapsed > typical.high) {
    return { kind: 'longer', typical };
  }

  const fraction = progressFraction(elapsed, typical);

  return { kind: 'typical', typical, fraction, remainingSeconds: typical.median - elapsed };
}

/**
 * Returns the progress bar's fraction for a render that has run for `elapsedSeconds`, at most
 * the upper quartile. It grows in proportion to the elapsed time up to MEDIAN_FRACTION at the
 * median, then eases out (quadratically) to PROGRESS_CAP at the upper quartile.
 */
export function progressFraction(elapsedSeconds: number, typical: TypicalDuration): number {
  const { median, high } = typical;

  // A median of 0 s comes from renders that finished within the gateway's clock resolution, and
  // then elapsed time is never below it.
  if (elapsedSeconds < median) {
    return MEDIAN_FRACTION * (elapsedSeconds / median);
  }

  if (high <= median) {
    return MEDIAN_FRACTION;
  }

  const pastMedian = Math.min(1, (elapsedSeconds - median) / (high - median));
  const eased = 1 - (1 - pastMedian) ** 2;

  return MEDIAN_FRACTION + (PROGRESS_CAP - MEDIAN_FRACTION) * eased;
}
