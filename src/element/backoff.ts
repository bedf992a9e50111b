/** First and maximum step in ms of an exponential backoff. */
export interface Backoff {
  firstStepMs: number;
  maxStepMs: number;
}

/** Backoff of the retries of a failed poll. */
export const POLL_BACKOFF: Backoff = { firstStepMs: 1000, maxStepMs: 30_000 };

/**
 * Returns the delay in ms before retry number `attempt` (0 for the first retry). The backoff step
 * doubles from `firstStepMs` up to `maxStepMs`. With "equal jitter", the delay is between half
 * and all of the step, so many open dashboards do not retry at the same moment.
 */
export function retryDelay(
  attempt: number,
  random: () => number = Math.random,
  backoff: Backoff = POLL_BACKOFF,
): number {
  const step = Math.min(backoff.maxStepMs, backoff.firstStepMs * 2 ** attempt);

  return step / 2 + random() * (step / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as the signal aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }

    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
