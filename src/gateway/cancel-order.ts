/**
 * Kill orders of running renders, and the end of a render that the gateway asked Connect to
 * end. The render's follower and the cancel request meet here: the render ends `cancelled`
 * only when Connect registered the kill order and the render did not succeed.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient } from '../connect/index.js';
import { connectFailureFields } from './connect-failures.js';
import { messageOf, type FollowOutcome } from './follow-render.js';

/**
 * Phase of a kill order: the gateway looks for the render's job, sent the order, or has
 * Connect's response. `registered`: Connect accepted the order. `inactive`: the job had ended
 * before the order. `failed`: the order failed, and the render goes on. `abandoned`: the
 * render ended, or no job was found, before the order was sent.
 */
export type KillPhase = 'looking' | 'sent' | 'registered' | 'inactive' | 'failed' | 'abandoned';

/** Phases after which the order can no longer end the render. */
const CLOSED_PHASES: ReadonlySet<KillPhase> = new Set(['inactive', 'failed', 'abandoned']);

/** A report owner's order to end one running render, shared by every cancel request for it. */
export class CancelOrder {
  phase: KillPhase = 'looking';
  /** Key of the render's Connect job, once found. */
  jobKey: string | null = null;
  /** Resolves once Connect responded to the order, or once the order will not be sent. */
  readonly settled: Promise<void>;

  private resolveSettled!: () => void;

  /** `by` is the `who` of the cancel request that made the order. */
  constructor(readonly by: string) {
    this.settled = new Promise((resolve) => {
      this.resolveSettled = resolve;
    });
  }

  /** True while the order may still end the render. */
  get open(): boolean {
    return !CLOSED_PHASES.has(this.phase);
  }

  /**
   * Marks the order as sent for the job, and returns false when it was abandoned first, in
   * which case the caller must not send it.
   */
  send(jobKey: string): boolean {
    if (this.phase !== 'looking') {
      return false;
    }
    this.phase = 'sent';
    this.jobKey = jobKey;
    return true;
  }

  /** Records Connect's response to the order. */
  settle(phase: 'registered' | 'inactive' | 'failed'): void {
    this.phase = phase;
    this.resolveSettled();
  }

  /** Gives the order up unless it was sent already; returns true when it was given up. */
  abandon(): boolean {
    if (this.phase !== 'looking') {
      return false;
    }
    this.phase = 'abandoned';
    this.resolveSettled();
    return true;
  }
}

export interface CancelledOutcomeContext {
  client: ConnectClient;
  logger: FastifyBaseLogger;
  /** GUID of the render's content, for the job list. */
  guid: string;
  signal: AbortSignal;
}

/**
 * Decides the end of a render that its follower reported as `outcome`, given the render's kill
 * order, if any. A render with an order still being looked up keeps its outcome, and the
 * order is abandoned. With an order in flight it waits for Connect's response. After Connect
 * registered the order, a failed render becomes `cancelled`. A render that the task reports
 * as succeeded stays `succeeded` only when its job shows exit code 0 too, because Connect
 * does not document how a task ends after a kill order. When the job list cannot be read, the
 * task's word counts.
 */
export async function outcomeAfterCancel(
  order: CancelOrder | null,
  outcome: FollowOutcome,
  context: CancelledOutcomeContext,
): Promise<FollowOutcome> {
  if (order === null || outcome.kind === 'aborted' || order.abandon()) {
    return outcome;
  }
  await order.settled;
  if (order.phase !== 'registered') {
    return outcome;
  }
  const cancelled: FollowOutcome = {
    kind: 'cancelled',
    by: order.by,
    finishedAt: outcome.finishedAt,
  };
  if (outcome.kind !== 'succeeded') {
    return cancelled;
  }
  return (await jobSucceeded(order.jobKey, context)) ? outcome : cancelled;
}

/** Returns whether the job list shows the job ended with exit code 0, or true without a list. */
async function jobSucceeded(
  jobKey: string | null,
  context: CancelledOutcomeContext,
): Promise<boolean> {
  const { client, logger, guid, signal } = context;
  let exitCode: number | null | undefined;
  try {
    const jobs = await client.listJobs(guid, signal);
    exitCode = jobs.find((job) => job.key === jobKey)?.exit_code;
  } catch (error) {
    logger.warn(
      { jobKey, ...connectFailureFields(error), reason: messageOf(error) },
      'Reading the job list after a kill order failed; the render counts as succeeded',
    );
    return true;
  }
  logger.info({ jobKey, exitCode: exitCode ?? null }, 'Render task succeeded after a kill order');
  return exitCode === 0;
}
