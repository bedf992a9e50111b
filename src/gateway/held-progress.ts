import type { FastifyReply } from 'fastify';
import type { RenderRecord } from './render-record.js';

/**
 * Minimum time in ms that new log lines alone keep a held progress request open. A client that
 * follows a render with a busy log then sends one request per batch window, not one per
 * upstream poll. The render's end, a change of `stuck`, the end of the wait, the client leaving
 * and the gateway closing still release the request at once.
 */
export const LOG_BATCH_MS = 2_500;

/** Reason a held progress request ended. */
export type ReleaseReason = 'progress' | 'timeout' | 'client_gone' | 'closing';

/** Limits of one held progress request. */
export interface HoldLimits {
  /** Maximum hold, from the request's `wait` parameter, in seconds. */
  waitSeconds: number;
  /** Minimum hold that new log lines alone end, in ms; see LOG_BATCH_MS. */
  logBatchMs: number;
  /** Aborts when the gateway closes. */
  closeSignal: AbortSignal;
}

/**
 * Holds a progress request until the render changes state or has lines beyond `after`, the
 * wait is over, the client disconnects, or the gateway closes. New lines alone release the
 * request no sooner than `logBatchMs` after the hold began, with all lines that arrived by then.
 */
export async function holdUntilProgress(
  record: RenderRecord,
  after: number,
  reply: FastifyReply,
  { waitSeconds, logBatchMs, closeSignal }: HoldLimits,
): Promise<ReleaseReason> {
  const heldAt = Date.now();
  const wasStuck = record.stuck;
  const release = new AbortController();
  let reason: ReleaseReason = 'progress';
  const releaseFor = (releaseReason: ReleaseReason) => () => {
    reason = releaseReason;
    release.abort();
  };
  const timer = setTimeout(releaseFor('timeout'), waitSeconds * 1000);
  const onClientGone = releaseFor('client_gone');
  const onClosing = releaseFor('closing');
  reply.raw.once('close', onClientGone);
  closeSignal.addEventListener('abort', onClosing, { once: true });
  try {
    if (closeSignal.aborted) {
      return 'closing';
    }
    await record.waitForProgress(after, release.signal);

    const batchLeftMs = logBatchMs - (Date.now() - heldAt);
    if (!release.signal.aborted && record.isRunning && record.stuck === wasStuck && batchLeftMs > 0) {
      await waitForEndOrTimeout(record, batchLeftMs, release.signal);
    }
    return reason;
  } finally {
    clearTimeout(timer);
    reply.raw.off('close', onClientGone);
    closeSignal.removeEventListener('abort', onClosing);
  }
}

/** Resolves when the render ends or changes `stuck`, after `ms`, or when `signal` aborts. */
async function waitForEndOrTimeout(record: RenderRecord, ms: number, signal: AbortSignal) {
  const batch = new AbortController();
  const timer = setTimeout(() => batch.abort(), ms);
  const onRelease = () => batch.abort();
  signal.addEventListener('abort', onRelease, { once: true });
  try {
    await record.waitForProgress(Number.MAX_SAFE_INTEGER, batch.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onRelease);
  }
}
