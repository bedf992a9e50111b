/** Rules about what Connect renders and how to read render history. */
import { VariantSelectionError } from './errors.js';
import { RENDERED_APP_MODES, type Job, type RenderDuration, type Variant } from './types.js';

const RENDERED_MODES: ReadonlySet<string> = new Set(RENDERED_APP_MODES);

/** Job tags of render processes; other tags are apps, APIs and environment restores. */
export const RENDER_JOB_TAGS: ReadonlySet<string> = new Set([
  'build_report',
  'build_site',
  'build_jupyter',
]);

/**
 * Returns true for the app modes that Connect renders (rmd-static, quarto-static,
 * jupyter-static). Connect restarts the other modes instead of rendering them.
 */
export function isRenderedAppMode(mode: string): boolean {
  return RENDERED_MODES.has(mode);
}

/**
 * Job statuses of a job that has ended: 1 finished and 2 finalized. Connect moves an ended job
 * from 1 to 2, and lists may show either. Status 3 (skipped, Connect 2026.03 and later) means
 * the job never ran.
 */
const ENDED_JOB_STATUSES: ReadonlySet<number> = new Set([1, 2]);

/**
 * Returns true for a render job that ended with exit code 0 and has an end time. Any of the
 * render tags counts, because which of them Connect gives Quarto renders is not documented.
 */
export function isSuccessfulRenderJob(job: Job): boolean {
  return (
    RENDER_JOB_TAGS.has(job.tag) &&
    ENDED_JOB_STATUSES.has(job.status) &&
    job.exit_code === 0 &&
    job.end_time !== null
  );
}

/**
 * Returns the successful render jobs that have start and end times as durations, newest end
 * first (ties: newest start first). Jobs whose end precedes their start are left out.
 */
export function successfulRenderDurations(jobs: readonly Job[]): RenderDuration[] {
  const durations: Array<RenderDuration & { startMs: number; endMs: number }> = [];
  for (const job of jobs) {
    if (!isSuccessfulRenderJob(job) || job.start_time === null) {
      continue;
    }
    const startMs = Date.parse(job.start_time);
    const endMs = Date.parse(job.end_time!);
    if (endMs < startMs) {
      continue;
    }
    durations.push({
      jobKey: job.key,
      startedAt: job.start_time,
      finishedAt: job.end_time!,
      durationS: (endMs - startMs) / 1000,
      startMs,
      endMs,
    });
  }
  durations.sort((a, b) => b.endMs - a.endMs || b.startMs - a.startMs);
  return durations.map(({ jobKey, startedAt, finishedAt, durationS }) => ({
    jobKey,
    startedAt,
    finishedAt,
    durationS,
  }));
}

/** Returns the end time of the newest successful render job, or null when there is none. */
export function newestSuccessfulRenderEnd(jobs: readonly Job[]): string | null {
  let newest: string | null = null;
  let newestMs = -Infinity;

  for (const job of jobs) {
    if (!isSuccessfulRenderJob(job)) {
      continue;
    }
    const endMs = Date.parse(job.end_time!);
    if (endMs > newestMs) {
      newest = job.end_time;
      newestMs = endMs;
    }
  }
  return newest;
}

/**
 * Picks the variant to render: the one whose key is `variantKey`, or, without a key, the
 * single default variant. Raises VariantSelectionError unless exactly one variant matches.
 * `redact` cleans the error message, because the guid and key come from the caller.
 */
export function selectVariant(
  variants: readonly Variant[],
  guid: string,
  variantKey: string | null,
  redact: (text: string) => string = (text) => text,
): Variant {
  const matches =
    variantKey === null
      ? variants.filter((variant) => variant.is_default)
      : variants.filter((variant) => variant.key === variantKey);

  if (matches.length === 1) {
    return matches[0]!;
  }

  const details = { guid, variantKey, matches: matches.length };
  if (variantKey !== null) {
    throw new VariantSelectionError(
      redact(
        `Content ${guid} has no variant with key "${variantKey}" (${variants.length} ` +
          'variants listed). Check the variant key, or omit it to render the default variant.',
      ),
      details,
    );
  }
  throw new VariantSelectionError(
    redact(
      `Content ${guid} has ${matches.length} default variants, but rendering needs exactly ` +
        'one. Pass a variant key to choose one.',
    ),
    details,
  );
}
