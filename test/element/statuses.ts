import type { RefreshStatus } from '../../src/element/status.js';
import {
  button,
  errorBody,
  loadStatus,
  type Mounted,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

/** Every status of the element, in the order of a refresh. */
export const STATUSES: readonly RefreshStatus[] = [
  'idle',
  'starting',
  'running',
  'succeeded',
  'failed',
  'unknown',
  'cancelled',
  'unavailable',
  'cooldown',
];

/**
 * Brings a freshly mounted element to `running` with a log line and the cancel control; the
 * next poll stays open.
 */
async function showRunning(mounted: Mounted): Promise<void> {
  await loadStatus(mounted, { can_cancel: true });
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());
  (await mounted.gateway.next()).respond(200, renderProgress({ output: ['Loading data'], next: 1 }));
  await mounted.gateway.next();
}

/**
 * Brings a freshly mounted element to `status` through gateway responses, with what that status
 * shows at its fullest: a log and the cancel control while running, a message and detail when
 * failed, unknown or unavailable, a message when cancelled, and a countdown in a cooldown. A
 * request that the element sends afterwards stays open.
 */
export async function showStatus(mounted: Mounted, status: RefreshStatus): Promise<void> {
  const { el, gateway } = mounted;

  switch (status) {
    case 'idle':
      await loadStatus(mounted);
      break;
    case 'starting':
      await loadStatus(mounted);
      button(el).click();
      await gateway.next();
      break;
    case 'running':
      await showRunning(mounted);
      break;
    case 'succeeded':
      await loadStatus(mounted);
      button(el).click();
      (await gateway.next()).respond(202, refreshAccepted());
      (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
      break;
    case 'failed':
      await showRunning(mounted);
      gateway.requests.at(-1)!.respond(200, renderProgress({
        state: 'failed',
        output: ['Error in eval: object not found'],
        next: 2,
        error: 'Exit 1',
      }));
      break;
    case 'unknown':
      await showRunning(mounted);
      gateway.requests.at(-1)!.respond(200, renderProgress({
        state: 'unknown',
        next: 1,
        error: 'Connect no longer knows the render task.',
      }));
      break;
    case 'cancelled':
      await showRunning(mounted);
      gateway.requests.at(-1)!.respond(200, renderProgress({
        state: 'cancelled',
        next: 1,
        error: 'A report owner cancelled the render.',
      }));
      break;
    case 'unavailable':
      (await gateway.next()).respond(403, errorBody('connect_forbidden', 'Key rejected.'));
      break;
    case 'cooldown': {
      await loadStatus(mounted);
      button(el).click();
      const post = await gateway.next();
      post.respond(429, errorBody('cooldown', 'Wait.'), { 'Retry-After': '240' });
      break;
    }
  }

  await untilStatus(el, status);
  await el.updateComplete;
}
