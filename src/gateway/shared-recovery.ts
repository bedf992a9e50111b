import type { ReportConfig } from './config.js';
import type { HandleClaims } from './handles.js';
import type { RenderFollowers } from './render-followers.js';
import { reportRenderKey } from './render-group.js';
import { CLOCK_SKEW_TOLERANCE_MS } from './render-jobs.js';
import type { RenderRecord } from './render-record.js';
import type { RenderTable } from './render-table.js';
import type { SharedCalls } from './shared-calls.js';
import type { SharedState } from './shared-state/types.js';

/** Parts of the render registry that the lookup of a handle in the shared state uses. */
export interface SharedRecoveryContext {
  shared: SharedState;
  sharedCalls: SharedCalls;
  table: RenderTable;
  followers: RenderFollowers;
}

/**
 * Finds the render of a handle that this replica does not hold in memory, in the shared
 * state: the key's claimed render, followed through the shared state, or else the newest
 * render that ended since the handle's start, with its log. Returns undefined when there is
 * none, the render is this replica's own, or the shared state failed.
 */
export async function recoverSharedRender(
  context: SharedRecoveryContext,
  claims: HandleClaims,
  report: ReportConfig,
): Promise<RenderRecord | undefined> {
  const { sharedCalls, table, followers } = context;
  const { report: name, variant } = claims;
  const sharedRenders = context.shared.renders;
  // Replica clocks may differ, like Connect's and the gateway's.
  const since = new Date(claims.startedAt.getTime() - CLOCK_SKEW_TOLERANCE_MS);
  const render = await sharedCalls.read(name, () =>
    sharedRenders.newestSince(reportRenderKey(report, variant), since),
  );
  if (render === undefined) {
    return undefined;
  }
  const known = table.findShared(render.id);
  if (known !== undefined) {
    return known.recordFor(name);
  }
  if (render.owner === sharedRenders.owner) {
    // This replica forgot its own render, as a single gateway would; Connect has the rest.
    return undefined;
  }
  const read = await sharedCalls.read(name, () => sharedRenders.read(render, 0));
  if (read === undefined) {
    return undefined;
  }
  if (read.state === 'running') {
    return followers.joinShared(name, report, variant, render).recordFor(name);
  }
  return sharedCalls.read(name, () => followers.addEndedShared(name, report, variant, read));
}
