/** The two read routes of a report: its status, and its recent renders. */
import type { FastifyBaseLogger } from 'fastify';
import type { RecentRenders, ReportStatus } from '../protocol/index.js';
import { logConnectFailure, toGatewayError } from './connect-failures.js';
import { toRecentRender } from './render-history.js';
import { isJobListMissing } from './render-jobs.js';
import type { RenderRegistry } from './render-registry.js';
import type { ReportCatalog } from './report-catalog.js';

/** The parts of the gateway that the read routes use. */
export interface ReadContext {
  catalog: ReportCatalog;
  renders: RenderRegistry;
}

/**
 * Builds the status of a report's variant. `canCancel` is whether the caller may cancel its
 * renders. Rejects with a GatewayHttpError when Connect's last-rendered time cannot be read.
 */
export async function reportStatus(
  { catalog, renders }: ReadContext,
  name: string,
  variant: string | null,
  canCancel: boolean,
  log: FastifyBaseLogger,
): Promise<ReportStatus> {
  let title: string;
  let lastRenderedAt: string | null;
  try {
    // The renderings feed recent_durations, as they feed the recent renders route.
    [title, lastRenderedAt] = await Promise.all([
      catalog.title(name),
      catalog.lastRenderedAt(name, variant),
      catalog.readRenderings(name, variant),
    ]);
  } catch (error) {
    logConnectFailure(log, error, name, 'read the last-rendered time');
    throw toGatewayError(error, name);
  }

  // First, because it may read the job list that the durations then take from the cache.
  const running = await renders.statusRender(name, variant);
  return {
    name,
    title,
    last_rendered_at: lastRenderedAt,
    render: running === undefined ? null : running.summary(),
    recent_durations: catalog.recentDurations(name, variant),
    can_cancel: canCancel,
    variant,
    server_time: new Date().toISOString(),
  };
}

/**
 * Lists the last `limit` renders of a report's variant, newest start first. Rejects with a
 * GatewayHttpError when Connect's job list cannot be read. A server without the job list
 * route is no error: the list then has the renderings and the gateway's own renders only.
 */
export async function recentRenders(
  { catalog, renders }: ReadContext,
  name: string,
  variant: string | null,
  limit: number,
  log: FastifyBaseLogger,
): Promise<RecentRenders> {
  // First, so that a render found running on Connect is followed, and listed as such.
  await renders.statusRender(name, variant);
  const { entries, jobsError } = await catalog.readHistory(name, variant);
  if (jobsError !== null && !isJobListMissing(jobsError)) {
    logConnectFailure(log, jobsError, name, 'read the recent renders');
    throw toGatewayError(jobsError, name);
  }
  return {
    name,
    variant,
    renders: entries.slice(0, limit).map(toRecentRender),
    server_time: new Date().toISOString(),
  };
}
