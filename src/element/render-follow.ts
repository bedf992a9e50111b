import type { RenderProgress, RenderSummary } from '../protocol/index.js';
import type { AuthorizedGateway } from './authorized-gateway.js';
import { isOutage } from './failures.js';
import { announceRender, sharedRenderPoll, type SharingMember } from './page-sharing.js';
import type { RefreshDisplay } from './refresh-display.js';
import { type FollowReason, followTransition, renderEndTransition } from './refresh-transitions.js';
import { forgetRender, rememberRender } from './render-memory.js';
import { POLL_WAIT_SECONDS } from './render-poll.js';
import { broadcastRenderEnded, broadcastRenderFollowed } from './tab-sync.js';

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
  /** Runs when the render succeeded or failed. */
  onEnd: () => void;
}

/**
 * Follows a render until it succeeds or fails, through the page's one long poll of the render
 * (see sharedRenderPoll, and pollRender for the retries). The handle stays in `sessionStorage`
 * while the render runs. The display shows the render, and the host fires
 * `connect-refresh-start`, at once or, with `confirmFirst`, after the gateway answered the first
 * poll. Rejects with the poll's error, or with the signal's reason on abort.
 */
export async function followRender(request: FollowRequest): Promise<void> {
  const { target, render, reason, display, isCurrent, announcer } = request;
  const { report } = target;
  let shown = false;
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

    display.applyProgress(progress);

    if (progress.state !== 'running') {
      forgetRender(target.base, report, target.variant);
      request.onEnd();

      if (announcer) {
        broadcastRenderEnded(target.tabKey, render.handle, progress.last_rendered_at);
      }

      display.apply(renderEndTransition(display.view, report, progress));
    }
  };

  if (!request.confirmFirst) {
    show();
  }

  const { key, gateway } = target;
  const leavesOn = (error: unknown) => request.confirmFirst && !shown && isOutage(error);
  const firstWaitSeconds = request.confirmFirst ? 0 : POLL_WAIT_SECONDS;
  const { signal } = request;
  await sharedRenderPoll(key, gateway, render.handle, signal, onProgress, leavesOn, firstWaitSeconds);
}
