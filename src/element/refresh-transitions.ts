import type { RenderProgress, RenderSummary } from '../protocol/index.js';
import { RefreshErrorEvent, RefreshStartEvent, RefreshSuccessEvent } from './events.js';
import { type Failure, RENDER_CANCELLED, RENDER_FAILED, RENDER_UNKNOWN } from './failures.js';
import { type Messages, type PlainMessageKey, plain, type Text, verbatim } from './messages.js';
import { READY_TO_CANCEL, type RefreshView } from './refresh-view.js';
import { formatCountdown } from './relative-time.js';
import type { RefreshStatus } from './status.js';

/**
 * A change of the element's status: its next view and status, and the event that reports it,
 * built with the element's messages at the time it fires, or null for a change without one.
 */
export interface Transition {
  view: RefreshView;
  status: RefreshStatus;
  event: ((messages: Messages) => Event) | null;
}

/** Reason the element follows a render: it started it, joined it, or found it running. */
export type FollowReason = 'started' | 'joined' | 'resumed';

/**
 * Kind of run whose request failed. `refresh` is a refresh that someone requested, with a click,
 * startRefresh() or in another element or tab. `status-read` is a read that the element began by
 * itself on load, on its clock or when the page became visible, including the poll of a render
 * kept over a reload.
 */
export type RunKind = 'refresh' | 'status-read';

const ANNOUNCEMENTS: Record<FollowReason, PlainMessageKey> = {
  started: 'refreshStarted',
  joined: 'refreshJoined',
  resumed: 'refreshRunning',
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
  const lastRenderedAt = view.lastRenderedAt ?? null;
  const startedAt = render.started_at;
  const announcement = plain(ANNOUNCEMENTS[reason]);

  return {
    // The log of an earlier render would mix its lines and its progress into this one's.
    view: {
      ...view,
      startedAt: render.started_at,
      log: [],
      logProgress: null,
      stuck: false,
      announcement,
      cancel: READY_TO_CANCEL,
    },
    status: 'running',
    event: () => new RefreshStartEvent({
      report,
      handle,
      state: 'running',
      startedAt,
      lastRenderedAt,
      joined,
    }),
  };
}

/** Returns the transition after a followed render succeeded, failed, got lost or was cancelled. */
export function renderEndTransition(
  view: RefreshView,
  report: string,
  progress: RenderProgress,
): Transition {
  const { handle } = progress;
  const lastRenderedAt = progress.last_rendered_at ?? view.lastRenderedAt ?? null;
  const ended = { ...view, lastRenderedAt, stuck: false, cancel: READY_TO_CANCEL };

  if (progress.state === 'succeeded') {
    const announcement = plain('refreshFinished');
    return {
      view: { ...ended, message: null, detail: null, announcement },
      status: 'succeeded',
      event: () => new RefreshSuccessEvent({ report, handle, state: 'succeeded', lastRenderedAt }),
    };
  }

  if (progress.state === 'unknown') {
    return unknownEndTransition(ended, report, progress);
  }

  const cancelled = progress.state === 'cancelled';
  const message = plain(cancelled ? 'renderCancelled' : 'renderFailed');
  const gatewayMessage = progress.error;
  // The gateway's note on a cancel repeats the element's own message.
  const detail = cancelled ? null : verbatim(gatewayMessage);
  const announcement: Text = cancelled
    ? (messages) => messages.refreshCancelled(message(messages))
    : (messages) => messages.refreshFailed(message(messages));

  return {
    view: { ...ended, message, detail, announcement },
    status: cancelled ? 'cancelled' : 'failed',
    event: (messages) => new RefreshErrorEvent({
      report,
      handle,
      state: cancelled ? 'cancelled' : 'failed',
      lastRenderedAt,
      code: cancelled ? RENDER_CANCELLED : RENDER_FAILED,
      message: message(messages),
      gatewayMessage,
    }),
  };
}

/**
 * Returns the transition after the gateway reported the followed render as `unknown`: it lost the
 * render, so the element cannot tell whether the render succeeded. `view` already has the last
 * render time of the response.
 */
function unknownEndTransition(
  view: RefreshView,
  report: string,
  progress: RenderProgress,
): Transition {
  const { handle } = progress;
  const { lastRenderedAt } = view;
  const message = plain('renderUnknown');
  const gatewayMessage = progress.error;
  const announcement: Text = (messages) => messages.refreshOutcomeUnknown(message(messages));

  return {
    view: { ...view, message, detail: verbatim(gatewayMessage), announcement },
    status: 'unknown',
    event: (messages) => new RefreshErrorEvent({
      report,
      handle,
      state: 'unknown',
      lastRenderedAt: lastRenderedAt ?? null,
      code: RENDER_UNKNOWN,
      message: message(messages),
      gatewayMessage,
    }),
  };
}

/**
 * Returns the transition after a poll of the followed render failed with an outage: the status
 * is `unavailable` while the render goes on, and the event has the state `running`. `failure`
 * gives the code and the gateway's words, and the message states that the element reconnects.
 */
export function followOutageTransition(
  view: RefreshView,
  report: string,
  handle: string,
  failure: Failure,
): Transition {
  const message = plain('renderUnreachable');
  // The hint about the page's origin is left out, because the gateway responded to earlier polls.
  const { code, gatewayMessage } = failure;
  const outage: Failure = { status: 'unavailable', code, message, gatewayMessage };

  return failureTransition(view, report, handle, outage);
}

/** Returns the transition back to `running` after a poll succeeded again after an outage. */
export function followResumedTransition(view: RefreshView): Transition {
  const announcement = plain('refreshReconnected');

  return {
    view: { ...view, message: null, detail: null, announcement },
    status: 'running',
    event: null,
  };
}

/**
 * Returns the transition after a failed request of a run of the given kind. `handle` is the
 * followed render's, or null.
 */
export function failureTransition(
  view: RefreshView,
  report: string,
  handle: string | null,
  failure: Failure,
  kind: RunKind = 'refresh',
): Transition {
  const { status, code, message, gatewayMessage } = failure;
  // A failed request shows nothing about the render itself, which may still run.
  const state = handle === null ? null : 'running';
  const lastRenderedAt = view.lastRenderedAt ?? null;
  const announcement = announceFailure(failure, kind, view);

  return {
    view: { ...view, message, detail: failureDetail(failure), announcement },
    status,
    event: (messages) => new RefreshErrorEvent({
      report,
      handle,
      state,
      lastRenderedAt,
      code,
      message: message(messages),
      gatewayMessage,
    }),
  };
}

/** Returns the text of the failure's detail block: the gateway's words, then the element's hint. */
function failureDetail(failure: Failure): Text | null {
  const { gatewayMessage, hint } = failure;

  if (hint === undefined) {
    return verbatim(gatewayMessage);
  }

  return (messages) => (gatewayMessage ? `${gatewayMessage} ${hint(messages)}` : hint(messages));
}

/**
 * Returns the announcement of a failure. A failed status read that the element began by itself
 * announces the message alone, because no refresh was requested. When `previous`, the view
 * before the failure, shows the same message, as after a click that failed in the same way,
 * the announcement stays that view's, so the live region does not repeat it.
 */
function announceFailure(failure: Failure, kind: RunKind, previous: RefreshView): Text {
  const { message } = failure;
  const { message: shownMessage, announcement: shownAnnouncement } = previous;

  if (kind === 'status-read' && failure.status === 'failed' && shownMessage && shownAnnouncement) {
    return (messages) => shownMessage(messages) === message(messages)
      ? shownAnnouncement(messages)
      : message(messages);
  }

  if (failure.status === 'cooldown') {
    const remaining = formatCountdown(failure.waitMs);
    return (messages) => messages.cooldownAnnouncement(message(messages), remaining);
  }

  if (failure.status === 'failed' && kind === 'status-read') {
    return message;
  }

  if (failure.status === 'failed') {
    return (messages) => messages.refreshFailed(message(messages));
  }

  return (messages) => messages.refreshUnavailable(message(messages));
}
