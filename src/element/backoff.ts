/** Delay in ms before the first retry of a failed poll. */
export const FIRST_RETRY_DELAY_MS = 1000;

/** Maximum delay in ms between retries of a failed poll. */
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Returns the delay in ms before retry number `attempt` (0 for the first retry). The backoff step
 * doubles from FIRST_RETRY_DELAY_MS up to MAX_RETRY_DELAY_MS. With "equal jitter", the delay is
 * between half and all of the step, so many open dashboards do not retry at the same moment.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** attempt);

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
