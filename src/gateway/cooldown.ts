import { newestSuccessfulRenderEnd, type Job } from '../connect/index.js';
import type { ReportConfig } from './config.js';
import { GatewayHttpError } from './errors.js';
import type { ReportCatalog } from './report-catalog.js';

/**
 * Throws a 429 `cooldown` error when the last successful render of the report's variant
 * finished less than `cooldown_s` seconds ago. The last success is the newest of the
 * gateway's own record, Connect's last-rendered time of the variant, the newest successful
 * render in `jobs`, which must be the variant's jobs, and `sharedSuccess`, the variant's last
 * success that any replica stored in the shared state. Each variant has its own cooldown.
 * Does nothing when the report has no cooldown.
 */
export async function checkCooldown(
  name: string,
  variant: string | null,
  report: ReportConfig,
  jobs: readonly Job[],
  catalog: ReportCatalog,
  sharedSuccess: Date | null = null,
  now: number = Date.now(),
): Promise<void> {
  if (report.cooldown_s <= 0) {
    return;
  }
  const known = await catalog
    .lastRenderedAt(name, variant)
    .catch(() => catalog.knownLastRenderedAt(name, variant));
  const lastSuccessMs = Math.max(
    parseTime(known),
    parseTime(newestSuccessfulRenderEnd(jobs)),
    sharedSuccess?.getTime() ?? -Infinity,
  );
  if (!Number.isFinite(lastSuccessMs)) {
    return;
  }

  // A time ahead of the gateway's clock (clock skew) counts as now.
  const agoMs = Math.max(0, now - lastSuccessMs);
  const remainingMs = report.cooldown_s * 1000 - agoMs;
  if (remainingMs <= 0) {
    return;
  }
  const retryAfterSeconds = Math.ceil(remainingMs / 1000);
  const subject = variant === null ? `Report ${name}` : `Variant ${variant} of report ${name}`;
  throw new GatewayHttpError(
    429,
    'cooldown',
    `${subject} rendered ${describeAgo(agoMs)}; refresh again in ` +
      `${describeDuration(retryAfterSeconds)}.`,
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** "just now", "12 seconds ago", "1 minute ago", "3 hours ago"; each unit rounded down. */
export function describeAgo(agoMs: number): string {
  const seconds = Math.floor(agoMs / 1000);
  if (seconds < 1) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${count(seconds, 'second')} ago`;
  }
  if (seconds < 2 * 3600) {
    return `${count(Math.floor(seconds / 60), 'minute')} ago`;
  }
  return `${count(Math.floor(seconds / 3600), 'hour')} ago`;
}

/** "45 seconds", "4 minutes", "2 hours"; each unit rounded up, so the wait is never short. */
export function describeDuration(seconds: number): string {
  if (seconds < 60) {
    return count(seconds, 'second');
  }
  if (seconds < 2 * 3600) {
    return count(Math.ceil(seconds / 60), 'minute');
  }
  return count(Math.ceil(seconds / 3600), 'hour');
}

function count(amount: number, unit: string): string {
  return amount === 1 ? `1 ${unit}` : `${amount} ${unit}s`;
}

function parseTime(time: string | null): number {
  return time === null ? -Infinity : Date.parse(time);
}
