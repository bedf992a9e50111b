/**
 * Kill orders across replicas. A replica that follows a render through the shared state may
 * receive the cancel request. It stores the order in the shared state before it sends it to
 * Connect, and the owner of the render reads it when the render ends, so that every replica
 * shows the render as `cancelled`.
 */
import type { FastifyBaseLogger } from 'fastify';
import { CancelOrder } from './cancel-order.js';
import type { FollowOutcome } from './follow-render.js';
import type { RenderRecord } from './render-record.js';
import type { RenderClaims, SharedRender, SharedRenderRead } from './shared-state/types.js';

/**
 * Returns the kill order that another replica stored for the owner's render, as an order
 * that Connect registered, or null when there is none, the render was not followed to its
 * end, or the shared state failed.
 * NOTE: a replica stores the order before it sends it and removes it when Connect rejects it,
 * so a render that fails while a doomed order is in flight counts as cancelled. The read also
 * lets a held progress request see a render's last lines a moment before its end.
 */
export async function sharedCancelOrder(
  claims: RenderClaims,
  render: SharedRender,
  followed: FollowOutcome,
  logger: FastifyBaseLogger,
): Promise<CancelOrder | null> {
  if (followed.kind === 'aborted') {
    return null;
  }
  let mark: Awaited<ReturnType<RenderClaims['cancelMark']>>;
  try {
    mark = await claims.cancelMark(render);
  } catch (error) {
    logger.warn(
      { shared_render_id: render.id, reason: (error as Error).message },
      'Failed to read kill orders of other replicas; the render ends as Connect reported it',
    );
    return null;
  }
  if (mark === null) {
    return null;
  }
  const order = new CancelOrder(mark.by);
  order.send(mark.jobKey);
  order.settle('registered');
  return order;
}

/** Ends a record with the outcome of a render that ended on another replica. */
export function recordSharedOutcome(
  record: RenderRecord,
  read: SharedRenderRead,
  describeFailure: (reason: string) => string,
): void {
  const finishedAt = read.finishedAt ?? new Date();
  switch (read.state) {
    case 'succeeded':
      record.succeed(finishedAt);
      return;
    case 'cancelled':
      record.cancel(finishedAt);
      return;
    case 'unknown':
      record.markUnknown(describeFailure(read.reason ?? ''), finishedAt);
      return;
    default:
      record.fail(describeFailure(read.reason ?? ''), finishedAt);
  }
}
