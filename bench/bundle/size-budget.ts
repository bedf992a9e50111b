/**
 * The size budget of the drop-in bundles: ceilings that the test suite enforces, kept in
 * bench/size-budget.json, and the target over Lit's floor that BENCHMARKS.md reports.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BundleFormat } from './build-bundle.js';

export const SIZE_BUDGET_FILE = fileURLToPath(new URL('../size-budget.json', import.meta.url));

/** The element's bundles in dist/browser, by file name, with their format. */
export const ELEMENT_BUNDLES: ReadonlyArray<{ file: string; format: BundleFormat }> = [
  { file: 'connect-refresh-button.js', format: 'es' },
  { file: 'connect-refresh-button.iife.js', format: 'iife' },
];

export interface SizeBudget {
  /** Maximum gzip size of each bundle, in bytes, by file name. */
  maxGzipBytes: Record<string, number>;
  /** Target size over Lit's floor in the same format, gzip bytes. */
  targetOverLitFloorBytes: number;
}

/** The budget of one bundle compared with its measured size; negative differences are room left. */
export interface BudgetResult {
  file: string;
  gzipBytes: number;
  maxGzipBytes: number;
  /** Size minus the ceiling: above 0 fails the check. */
  overCeilingBytes: number;
  litFloorGzipBytes: number;
  targetGzipBytes: number;
  /** Size minus the target: above 0 means the target is missed by that much. */
  overTargetBytes: number;
}

function isByteCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** Reads and validates the budget file; throws an Error that names the invalid field. */
export async function readSizeBudget(path = SIZE_BUDGET_FILE): Promise<SizeBudget> {
  const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const ceilings = raw.max_gzip_bytes as Record<string, unknown> | undefined;
  const maxGzipBytes: Record<string, number> = {};
  for (const { file } of ELEMENT_BUNDLES) {
    const value = ceilings?.[file];
    if (!isByteCount(value)) {
      throw new Error(`${path}: max_gzip_bytes["${file}"] is ${JSON.stringify(value)}, expected a whole number of bytes above 0.`);
    }
    maxGzipBytes[file] = value;
  }
  const target = raw.target_over_lit_floor_gzip_bytes;
  if (!isByteCount(target)) {
    throw new Error(`${path}: target_over_lit_floor_gzip_bytes is ${JSON.stringify(target)}, expected a whole number of bytes above 0.`);
  }
  return { maxGzipBytes, targetOverLitFloorBytes: target };
}

/**
 * Compares each bundle's gzip size with its ceiling and with the target. `gzipBytes` and
 * `litFloorGzipBytes` are keyed by file name and by format.
 */
export function compareWithBudget(
  budget: SizeBudget,
  gzipBytes: Record<string, number>,
  litFloorGzipBytes: Record<BundleFormat, number>,
): BudgetResult[] {
  return ELEMENT_BUNDLES.map(({ file, format }) => {
    const size = gzipBytes[file];
    if (size === undefined) {
      throw new Error(`No size was measured for ${file}.`);
    }
    const maxGzipBytes = budget.maxGzipBytes[file]!;
    const floor = litFloorGzipBytes[format];
    const targetGzipBytes = floor + budget.targetOverLitFloorBytes;
    return {
      file,
      gzipBytes: size,
      maxGzipBytes,
      overCeilingBytes: size - maxGzipBytes,
      litFloorGzipBytes: floor,
      targetGzipBytes,
      overTargetBytes: size - targetGzipBytes,
    };
  });
}

/** Formats a byte count in KB of 1,024 bytes with one decimal, such as `23.4 KB`. */
export function formatKilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Describes one result in a line for test output and BENCHMARKS.md. */
export function describeBudgetResult(result: BudgetResult): string {
  const ceiling = result.overCeilingBytes > 0
    ? `${result.overCeilingBytes} bytes over its ceiling of ${result.maxGzipBytes}`
    : `${-result.overCeilingBytes} bytes under its ceiling of ${result.maxGzipBytes}`;
  const target = result.overTargetBytes > 0
    ? `${result.overTargetBytes} bytes (${formatKilobytes(result.overTargetBytes)}) above the target`
    : `${-result.overTargetBytes} bytes within the target`;
  return `${result.file}: ${result.gzipBytes} bytes gzip, ${ceiling}; ` +
    `target ${result.targetGzipBytes} bytes (Lit's floor ${result.litFloorGzipBytes} + ` +
    `${result.targetGzipBytes - result.litFloorGzipBytes}), ${target}.`;
}
