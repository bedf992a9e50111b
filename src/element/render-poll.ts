import type { RenderProgress } from '../protocol/index.js';
import type { AuthorizedGateway } from './authorized-gateway.js';
import { delay, retryDelay } from './backoff.js';
import { isTransient, retryAfterOf } from './failures.js';
import { whenPollAllowed } from './page-visibility.js';

/** Hold time in seconds that each long poll requests from the gateway. */
export const POLL_WAIT_SECONDS = 20;

/**
 * Long-polls a render and yields each response body, up to and including the one whose state is
 * `succeeded` or `failed`. Each request reads the log lines from the previous response's `next`
 * on. Errors that isTransient accepts, such as network errors, 503 and 429, are retried with
 * backoff for as long as the signal allows, because the render goes on in Connect meanwhile. A
 * retry waits at least the time in the response's `Retry-After` header, and `onRetry` gets each
 * error before its retry. While the page is hidden,
 * no new request starts unless an element with `notify` is on the page (see whenPollAllowed): a
 * held request may finish, and the next one waits until the page is visible again. Other
 * errors, and the signal's reason on abort, are thrown. Requests until the first response ask
 * for a hold of `firstWaitSeconds`, and later ones for POLL_WAIT_SECONDS. A retry asks for no
 * hold, so that the first response after an outage, such as from a restarted gateway, comes at
 * once even while the render writes no log lines.
 */
export async function* pollRender(
  gateway: AuthorizedGateway,
  handle: string,
  signal: AbortSignal,
  onRetry: (error: unknown) => void = () => {},
  firstWaitSeconds = POLL_WAIT_SECONDS,
): AsyncGenerator<RenderProgress, void, undefined> {
  let after = 0;
  let attempt = 0;
  let waitSeconds = firstWaitSeconds;

  for (;;) {
    let progress: RenderProgress;

    await whenPollAllowed(signal);

    try {
      progress = await gateway.readRenderProgress(handle, after, waitSeconds, signal);
    } catch (error) {
      if (signal.aborted || !isTransient(error)) {
        throw error;
      }

      onRetry(error);
      await delay(Math.max(retryDelay(attempt), retryAfterOf(error) ?? 0), signal);
      attempt += 1;
      waitSeconds = 0;
      continue;
    }

    attempt = 0;
    after = progress.next;
    waitSeconds = POLL_WAIT_SECONDS;
    yield progress;

    if (progress.state !== 'running') {
      return;
    }
  }
}
