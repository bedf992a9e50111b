/** Summary statistics and number formats for the benchmark tables. */

/**
 * Returns the p-th percentile (0 to 100) of `values` by the nearest-rank method: the smallest
 * value with at least p% of the values at or below it. Throws on an empty list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    throw new Error('Cannot take a percentile of no values.');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Formats milliseconds rounded to a whole number, such as `132 ms`. */
export function formatMs(ms: number): string {
  return `${Math.round(ms)} ms`;
}

/** Formats a ratio such as `1.04×`. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** Formats bytes as MB of 1,048,576 bytes with one decimal. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** Formats a whole number with thousands separators, such as `1,000`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** Returns `met` or `missed`, for the target lines of the sections. */
export function verdict(met: boolean): string {
  return met ? 'met' : 'missed';
}

/**
 * A pseudo-random generator with a fixed seed (mulberry32), so that every run of a benchmark
 * uses the same sequence of render durations. Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Renders a Markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
