/**
 * The render durations of a status response: Connect's successful render jobs merged with the
 * renders that the gateway followed to success.
 */
import type { RenderDuration } from '../connect/index.js';
import { CLOCK_SKEW_TOLERANCE_MS } from './render-jobs.js';

/** Maximum number of durations in a status response. */
export const RECENT_DURATION_LIMIT = 10;

/**
 * A successful render that the gateway followed. A render it started has the gateway's times,
 * and a job it found running has the job's times from Connect.
 */
export interface ObservedRender {
  startedAt: Date;
  finishedAt: Date;
  /** Key of the Connect job when the gateway followed the job, or null for a task it started. */
  jobKey: string | null;
}

interface DurationEntry {
  finishedAtMs: number;
  durationS: number;
}

/**
 * Merges Connect's durations with the gateway's own renders and returns up to
 * RECENT_DURATION_LIMIT durations in seconds, rounded to one decimal, newest end first.
 * A render in both lists counts once, with the gateway's duration. For a render it started,
 * that has millisecond precision and covers what a refresh waits for, from the render
 * request to its end. A followed job matches by its key. A render the gateway started
 * matches the job whose start and end lie closest to its own, each within
 * CLOCK_SKEW_TOLERANCE_MS, because Connect's render response names no job.
 * NOTE: the order compares the gateway's clock with Connect's whole-second job times, so two
 * renders from different sources that ended within about a second may swap places.
 */
export function mergeRenderDurations(
  fromConnect: readonly RenderDuration[],
  observed: readonly ObservedRender[],
): number[] {
  const unmatched = new Map(fromConnect.map((duration) => [duration.jobKey, duration]));
  // Renders with a job key claim their job first, so that no time match takes it.
  for (const render of observed) {
    if (render.jobKey !== null) {
      unmatched.delete(render.jobKey);
    }
  }
  for (const render of observed) {
    if (render.jobKey === null) {
      const match = closestJob(render, unmatched.values());
      if (match !== undefined) {
        unmatched.delete(match.jobKey);
      }
    }
  }

  const entries: DurationEntry[] = [
    ...observed.map((render) => ({
      finishedAtMs: render.finishedAt.getTime(),
      durationS: (render.finishedAt.getTime() - render.startedAt.getTime()) / 1000,
    })),
    ...[...unmatched.values()].map((duration) => ({
      finishedAtMs: Date.parse(duration.finishedAt),
      durationS: duration.durationS,
    })),
  ];
  entries.sort((a, b) => b.finishedAtMs - a.finishedAtMs);
  return entries
    .slice(0, RECENT_DURATION_LIMIT)
    .map((entry) => Math.round(Math.max(0, entry.durationS) * 10) / 10);
}

/**
 * Returns the job whose times are closest to the render's, within the clock tolerance.
 * NOTE: while the stored job list predates the render's end, another job that ran at nearly
 * the same time (started on Connect in parallel) can match in its place and be left out.
 */
function closestJob(
  render: ObservedRender,
  candidates: Iterable<RenderDuration>,
): RenderDuration | undefined {
  let closest: RenderDuration | undefined;
  let closestDistanceMs = Infinity;
  for (const candidate of candidates) {
    const startDistanceMs = Math.abs(Date.parse(candidate.startedAt) - render.startedAt.getTime());
    const endDistanceMs = Math.abs(Date.parse(candidate.finishedAt) - render.finishedAt.getTime());
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
