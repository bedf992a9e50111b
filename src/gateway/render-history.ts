/**
 * A variant's recent renders, merged from Connect's job list, Connect's renderings and the
 * renders that the gateway followed. The status route's `recent_durations` come from the same
 * merge, so the durations agree with the listed renders.
 */
import { RENDER_JOB_TAGS, type Job, type Rendering } from '../connect/index.js';
import type { RecentRender, RenderState } from '../protocol/index.js';
import { CLOCK_SKEW_TOLERANCE_MS } from './render-jobs.js';

/** Maximum number of durations in a status response. */
export const RECENT_DURATION_LIMIT = 10;
/** Number of renders that the recent renders route returns without `limit`. */
export const DEFAULT_RECENT_RENDERS = 10;
/** Largest `limit` of the recent renders route, and the number of followed renders kept. */
export const MAX_RECENT_RENDERS = 50;

/**
 * A render that the gateway followed: one that a refresh started, or a job it found running
 * on Connect. The render table updates `state` and `finishedAt` when the render ends.
 */
export interface FollowedRender {
  startedAt: Date;
  finishedAt: Date | null;
  state: RenderState;
  /** Key of the Connect job when the gateway followed the job, or null for a task it started. */
  jobKey: string | null;
  /** True when a refresh request to the gateway started the render. */
  startedByGateway: boolean;
  /** User name or bearer token name of that request; null when anonymous or not started here. */
  requester: string | null;
}

/** A render as Connect's job list or renderings show it. */
export interface ConnectRender {
  jobKey: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  state: RenderState;
}

/** One render of the merged history. */
export interface HistoryEntry {
  startedAtMs: number;
  finishedAtMs: number | null;
  state: RenderState;
  startedByGateway: boolean;
  requester: string | null;
}

/**
 * Returns the renders of a variant that Connect lists: its render jobs, and the renderings
 * whose job the job list does not have (an older one, or a server without the job list).
 * Jobs that Connect skipped (status 3) never ran and are left out, as are jobs without a
 * start time. A rendering's start is its render time less its duration.
 */
export function connectRenders(
  jobs: readonly Job[] | null,
  renderings: readonly Rendering[] | null,
): ConnectRender[] {
  const renders: ConnectRender[] = [];
  const jobKeys = new Set<string>();
  for (const job of jobs ?? []) {
    if (!RENDER_JOB_TAGS.has(job.tag) || job.status === 3 || job.start_time === null) {
      continue;
    }
    jobKeys.add(job.key);
    renders.push({
      jobKey: job.key,
      startedAtMs: Date.parse(job.start_time),
      finishedAtMs: job.status === 0 || job.end_time === null ? null : Date.parse(job.end_time),
      state: jobState(job),
    });
  }
  for (const rendering of renderings ?? []) {
    if (rendering.render_time === null) {
      continue;
    }
    if (rendering.job_key !== null && jobKeys.has(rendering.job_key)) {
      continue;
    }
    const finishedAtMs = Date.parse(rendering.render_time);
    // render_duration is in nanoseconds (a Go time.Duration, inferred from its size).
    const durationMs = (rendering.render_duration ?? 0) / 1e6;
    renders.push({
      jobKey: rendering.job_key ?? `rendering:${rendering.id}`,
      startedAtMs: finishedAtMs - durationMs,
      finishedAtMs,
      state: 'succeeded',
    });
  }
  return renders;
}

function jobState(job: Job): RenderState {
  if (job.status === 0) {
    return 'running';
  }
  return job.exit_code === 0 ? 'succeeded' : 'failed';
}

/**
 * Merges Connect's renders with the renders the gateway followed, each render once, newest
 * start first. A followed job matches its Connect render by job key. A render that the gateway
 * started matches the Connect render whose start and end lie closest to its own, each within
 * CLOCK_SKEW_TOLERANCE_MS, because Connect's render response names no job. While either side
 * still runs, only the starts are compared.
 *
 * A matched render keeps the gateway's record. For a render it started, those times have
 * millisecond precision and cover what a refresh waits for, from the render request to its
 * end. A followed job has the job's own times. The state is the ended one when only Connect
 * has seen the end, because the gateway polls the job list only every few seconds.
 * NOTE: the order compares the gateway's clock with Connect's whole-second job times, so two
 * renders from different sources that started within about a second may swap places.
 */
export function mergeRenderHistory(
  fromConnect: readonly ConnectRender[],
  followed: readonly FollowedRender[],
): HistoryEntry[] {
  const unmatched = new Map(fromConnect.map((render) => [render.jobKey, render]));
  const entries: HistoryEntry[] = [];

  // Renders with a job key claim their job first, so that no time match takes it.
  for (const render of followed) {
    if (render.jobKey === null) {
      continue;
    }
    const match = unmatched.get(render.jobKey);
    unmatched.delete(render.jobKey);
    entries.push(mergeEntry(render, match));
  }
  for (const render of followed) {
    if (render.jobKey !== null) {
      continue;
    }
    const match = closestRender(render, unmatched.values());
    if (match !== undefined) {
      unmatched.delete(match.jobKey);
    }
    entries.push(mergeEntry(render, match));
  }
  for (const render of unmatched.values()) {
    entries.push({ ...render, startedByGateway: false, requester: null });
  }

  entries.sort((a, b) => b.startedAtMs - a.startedAtMs ||
    (b.finishedAtMs ?? Infinity) - (a.finishedAtMs ?? Infinity));
  return entries;
}

/**
 * Combines a followed render with its Connect render, if any: the gateway's record wins,
 * except that the Connect render's end counts while the gateway has not seen one.
 */
function mergeEntry(render: FollowedRender, match: ConnectRender | undefined): HistoryEntry {
  const own: HistoryEntry = {
    startedAtMs: render.startedAt.getTime(),
    finishedAtMs: render.finishedAt?.getTime() ?? null,
    state: render.state,
    startedByGateway: render.startedByGateway,
    requester: render.requester,
  };
  if (match === undefined || own.state !== 'running' || match.state === 'running') {
    return own;
  }
  return { ...own, finishedAtMs: match.finishedAtMs, state: match.state };
}

/**
 * Returns the Connect render whose times are closest to the followed render's, within the
 * clock tolerance. While either side runs, only the starts count.
 */
function closestRender(
  render: FollowedRender,
  candidates: Iterable<ConnectRender>,
): ConnectRender | undefined {
  let closest: ConnectRender | undefined;
  let closestDistanceMs = Infinity;
  for (const candidate of candidates) {
    const startDistanceMs = Math.abs(candidate.startedAtMs - render.startedAt.getTime());
    const bothEnded = render.finishedAt !== null && candidate.finishedAtMs !== null;
    const endDistanceMs = bothEnded
      ? Math.abs(candidate.finishedAtMs! - render.finishedAt!.getTime())
      : 0;
    if (startDistanceMs > CLOCK_SKEW_TOLERANCE_MS || endDistanceMs > CLOCK_SKEW_TOLERANCE_MS) {
      continue;
    }
    if (startDistanceMs + endDistanceMs < closestDistanceMs) {
      closest = candidate;
      closestDistanceMs = startDistanceMs + endDistanceMs;
    }
  }
  return closest;
}

/**
 * Returns the durations in seconds of the successful renders among `entries`, newest end
 * first, at most RECENT_DURATION_LIMIT, rounded to one decimal.
 */
export function successfulDurations(entries: readonly HistoryEntry[]): number[] {
  return entries
    .filter((entry) => entry.state === 'succeeded' && entry.finishedAtMs !== null)
    .sort((a, b) => b.finishedAtMs! - a.finishedAtMs!)
    .slice(0, RECENT_DURATION_LIMIT)
    .map((entry) => roundSeconds(entry.finishedAtMs! - entry.startedAtMs));
}

/** Returns a history entry as the recent renders route sends it. */
export function toRecentRender(entry: HistoryEntry): RecentRender {
  const finished = entry.finishedAtMs !== null;
  return {
    started_at: new Date(entry.startedAtMs).toISOString(),
    finished_at: finished ? new Date(entry.finishedAtMs!).toISOString() : null,
    state: entry.state,
    duration: finished ? roundSeconds(entry.finishedAtMs! - entry.startedAtMs) : null,
    started_by_gateway: entry.startedByGateway,
    started_by: entry.startedByGateway ? entry.requester : null,
  };
}

/** Rounds a duration in ms to seconds with one decimal; negative durations become 0. */
function roundSeconds(durationMs: number): number {
  return Math.round(Math.max(0, durationMs) / 100) / 10;
}
