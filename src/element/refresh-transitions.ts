import type { RenderProgress, RenderSummary } from '../protocol/index.js';
import { RefreshErrorEvent, RefreshStartEvent, RefreshSuccessEvent } from './events.js';
import { type Failure, RENDER_FAILED } from './failures.js';
import type { RefreshView } from './refresh-view.js';
import { formatCountdown } from './relative-time.js';
import type { RefreshStatus } from './status.js';

/** A change of the element's status: its next view and status, and the event that reports it. */
export interface Transition {
  view: RefreshView;
  status: RefreshStatus;
  event: Event;
}

/** Reason the element follows a render: it started it, joined it, or found it running. */
export type FollowReason = 'started' | 'joined' | 'resumed';

const ANNOUNCEMENTS: Record<FollowReason, string> = {
  started: 'Refresh started.',
  joined: 'Joined a refresh that was already running.',
  resumed: 'A refresh is running.',
};

/** Returns the transition to following a render. */
export function followTransition(
  view: RefreshView,
  report: string,
  render: RenderSummary,
  reason: FollowReason,
): Transition {
  const { handle } = render;
  const joined = reason !== 'started';
  const announcement = ANNOUNCEMENTS[reason];

  return {
    // The log of an earlier render would mix its lines and its progress into this one's.
    view: { ...view, startedAt: render.started_at, log: [], logProgress: null, announcement },
    status: 'running',
    event: new RefreshStartEvent({ report, handle, joined }),
  };
}

/** Returns the transition after a followed render succeeded or failed. */
export function renderEndTransition(
  view: RefreshView,
  report: string,
  progress: RenderProgress,
): Transition {
  const { handle } = progress;
  const lastRenderedAt = progress.last_rendered_at ?? view.lastRenderedAt ?? null;

  if (progress.state === 'succeeded') {
    return {
      view: { ...view, lastRenderedAt, announcement: 'Refresh finished.' },
      status: 'succeeded',
      event: new RefreshSuccessEvent({ report, handle, lastRenderedAt }),
    };
  }

  const message = 'The report failed while rendering.';
  const gatewayMessage = progress.error;
  const detail = gatewayMessage ?? '';
  const announcement = `Refresh failed. ${message}`;

  return {
    view: { ...view, lastRenderedAt, message, detail, announcement },
    status: 'failed',
    event: new RefreshErrorEvent({ report, handle, code: RENDER_FAILED, message, gatewayMessage }),
  };
}

/** Returns the transition after a failed request; `handle` is the followed render's, or null. */
export function failureTransition(
  view: RefreshView,
  report: string,
  handle: string | null,
  failure: Failure,
): Transition {
  const { status, code, message, gatewayMessage } = failure;
  // A gateway message that the element's message already quotes is not shown twice.
  const detail = gatewayMessage !== null && !message.includes(gatewayMessage) ? gatewayMessage : '';

  return {
    view: { ...view, message, detail, announcement: announceFailure(failure) },
    status,
    event: new RefreshErrorEvent({ report, handle, code, message, gatewayMessage }),
  };
}

function announceFailure(failure: Failure): string {
  if (failure.status === 'cooldown') {
    return `${failure.message} Refresh again in ${formatCountdown(failure.waitMs)}.`;
  }

  const prefix = failure.status === 'failed' ? 'Refresh failed.' : 'Refresh unavailable.';

  return `${prefix} ${failure.message}`;
}
