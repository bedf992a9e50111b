import type { RenderProgress, RenderSummary } from '../protocol/index.js';
import type { AuthorizedGateway } from './authorized-gateway.js';
import { describeFailure, isOutage } from './failures.js';
import { announceRender, sharedRenderPoll, type SharingMember } from './page-sharing.js';
import type { RefreshDisplay } from './refresh-display.js';
import {
  type FollowReason,
  followOutageTransition,
  followResumedTransition,
  followTransition,
  renderEndTransition,
} from './refresh-transitions.js';
import { forgetRender, rememberRender } from './render-memory.js';
import { POLL_WAIT_SECONDS } from './render-poll.js';
import { broadcastRenderEnded, broadcastRenderFollowed } from './tab-sync.js';

/**
 * Number of failed polls in a row, each an outage, after which the display shows that the
 * gateway cannot be reached while it follows a render. A single failure is often a held
 * connection that a proxy closed, which the first retry fixes without anyone noticing.
 */
export const FAILED_POLLS_BEFORE_OUTAGE = 2;

/** Gateway, report and variant of one run, fixed when the run begins. */
export interface Target {
  gateway: AuthorizedGateway;
  /** Base URL of the gateway, as in the host's `gateway` property. */
  base: string;
  report: string;
  /** Variant key from the host's `variant` property, or null for the report's default. */
  variant: string | null;
  /** Key under which elements of the page share requests for this target; see page-sharing. */
  key: string;
  /** Key under which tabs of the origin tell each other about renders; see tabKey. */
  tabKey: string;
}

/** A render to follow for one element, and what to do as it goes. */
export interface FollowRequest {
  target: Target;
  render: RenderSummary;
  reason: FollowReason;
  /**
   * Shows the render only after the gateway responded to the first poll, as for a stored
   * handle. That poll requests no hold (wait=0), so the gateway responds at once even when the render
   * writes no log lines. An outage before that response rejects instead of retrying, so that the
   * element can show it.
   */
  confirmFirst: boolean;
  display: RefreshDisplay;
  /** Signal of the element's run, which detaches the element from the shared poll on abort. */
  signal: AbortSignal;
  /** Returns false once the run is no longer the element's current one. */
  isCurrent: () => boolean;
  /**
   * Member that announces the render to the other elements of its key and to other tabs when it
   * shows the render, or null. With a member, other tabs also hear when the render ends.
   */
  announcer: SharingMember | null;
  /** Runs with the poll's response when the render succeeded, failed or was lost. */
  onEnd: (progress: RenderProgress) => void;
}

/**
 * Follows a render until it ends, through the page's one long poll of the render (see
 * sharedRenderPoll, and pollRender for the retries). The handle stays in `sessionStorage`
 * while the render runs. The display shows the render, and the host fires
 * `connect-refresh-start`, at once or, with `confirmFirst`, after the gateway answered the first
 * poll. From the FAILED_POLLS_BEFORE_OUTAGE-th outage in a row on, while the poll retries, the
 * display shows `unavailable`, and the next response brings it back to the render. Rejects with
 * the poll's error, or with the signal's reason on abort.
 */
export async function followRender(request: FollowRequest): Promise<void> {
  const { target, render, reason, display, isCurrent, announcer } = request;
  const { report } = target;
  let shown = false;
  /** Number of polls in a row that failed with an outage. */
  let failedPolls = 0;
  /** True from an outage that the display shows until the next response. */
  let interrupted = false;
  const show = () => {
    shown = true;
    rememberRender(target.base, report, render, target.variant);
    display.apply(followTransition(display.view, report, render, reason));

    if (announcer) {
      announceRender(target.key, render, reason, announcer);
      broadcastRenderFollowed(target.tabKey, render);
    }
  };
  const onProgress = (progress: RenderProgress) => {
    if (!isCurrent()) {
      return;
    }

    if (!shown) {
      show();
    }

    if (interrupted && progress.state === 'running') {
      display.apply(followResumedTransition(display.view));
    }

    interrupted = false;
    failedPolls = 0;
    display.applyProgress(progress);

    if (progress.state !== 'running') {
      forgetRender(target.base, report, target.variant);
      request.onEnd(progress);

      if (announcer) {
        broadcastRenderEnded(target.tabKey, render.handle, progress.last_rendered_at);
      }

      display.apply(renderEndTransition(display.view, report, progress));
    }
  };

  if (!request.confirmFirst) {
    show();
  }

  // Returns true to leave the poll: an outage before a stored render was shown is for the
  // caller to show. Later outages show here once per streak, while the poll retries.
  const onRetry = (error: unknown): boolean => {
    if (!isOutage(error) || !isCurrent()) {
      return false;
    }

    if (!shown) {
      return request.confirmFirst;
    }

    failedPolls += 1;

    if (!interrupted && failedPolls >= FAILED_POLLS_BEFORE_OUTAGE) {
      interrupted = true;
      const failure = describeFailure(error, report);
      display.apply(followOutageTransition(display.view, report, render.handle, failure));
    }

    return false;
  };

  const { key, gateway } = target;
  const firstWaitSeconds = request.confirmFirst ? 0 : POLL_WAIT_SECONDS;
  const { signal } = request;
  await sharedRenderPoll(key, gateway, render.handle, signal, onProgress, onRetry, firstWaitSeconds);
}
