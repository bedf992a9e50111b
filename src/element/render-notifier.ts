import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { RefreshErrorEvent, RefreshSuccessEvent } from './events.js';
import { RENDER_CANCELLED, RENDER_FAILED, RENDER_UNKNOWN } from './failures.js';
import type { ResolvedMessages } from './message-lookup.js';
import { isPageHidden, setBackgroundPolling } from './page-visibility.js';
import { type BadgeOutcome, showTitleBadge } from './title-badge.js';

/** The element whose followed renders a RenderNotifier reports. */
export interface NotifierHost extends ReactiveControllerHost, HTMLElement {
  notify: boolean;
  gateway: string;
}

/** Gateways and handles of the renders reported already, so that elements report each once. */
const reported = new Set<string>();

/**
 * Tells a person whose page is hidden that a render the host followed ended, when the host's
 * `notify` is set: with a browser notification, if permitted, and a badge in `document.title`
 * (see showTitleBadge). While `notify` is set, render polls go on while the page is hidden.
 */
export class RenderNotifier implements ReactiveController {
  private readonly host: NotifierHost;
  private readonly describe: () => ResolvedMessages & { title: string };
  private readonly onRenderEnd = (event: RefreshSuccessEvent | RefreshErrorEvent) => {
    this.renderEnded(event);
  };

  /** `describe` returns the host's messages and locale, and the report's title or name. */
  constructor(host: NotifierHost, describe: () => ResolvedMessages & { title: string }) {
    this.host = host;
    this.describe = describe;
    host.addController(this);
  }

  /**
   * Asks for permission to show notifications when `notify` is set and the person has not
   * decided yet. Call it only from the click that starts a refresh, because browsers may reject a
   * request made without a user gesture.
   */
  requestPermission(): void {
    if (!this.host.notify || typeof Notification === 'undefined') {
      return;
    }

    if (Notification.permission === 'default') {
      Notification.requestPermission().catch(() => undefined);
    }
  }

  hostConnected(): void {
    this.host.addEventListener(RefreshSuccessEvent.type, this.onRenderEnd);
    this.host.addEventListener(RefreshErrorEvent.type, this.onRenderEnd);
  }

  hostUpdated(): void {
    setBackgroundPolling(this, this.host.isConnected && this.host.notify);
  }

  hostDisconnected(): void {
    this.host.removeEventListener(RefreshSuccessEvent.type, this.onRenderEnd);
    this.host.removeEventListener(RefreshErrorEvent.type, this.onRenderEnd);
    setBackgroundPolling(this, false);
  }

  private renderEnded(event: RefreshSuccessEvent | RefreshErrorEvent): void {
    const { handle } = event.detail;
    const outcome = outcomeOf(event);

    if (!this.host.notify || !isPageHidden() || handle === null || outcome === null) {
      return;
    }

    const key = `${this.host.gateway}\n${handle}`;

    if (reported.has(key)) {
      return;
    }

    reported.add(key);
    // A cancelled render brought no new data either, so it gets the failure's badge.
    showTitleBadge(outcome === 'cancelled' ? 'failed' : outcome);
    this.showNotification(outcome, key);
  }

  private showNotification(outcome: RenderOutcome, tag: string): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') {
      return;
    }

    const { messages, locale, title } = this.describe();
    const bodies: Record<RenderOutcome, string> = {
      succeeded: messages.refreshFinished,
      failed: messages.refreshFailed(messages.renderFailed),
      unknown: messages.refreshOutcomeUnknown(messages.renderUnknown),
      cancelled: messages.refreshCancelled(messages.renderCancelled),
    };
    const body = bodies[outcome];

    try {
      const notification = new Notification(title, { body, tag, lang: locale });
      notification.addEventListener('click', () => {
        globalThis.focus();
        notification.close();
      });
    } catch {
      // Chrome on Android throws here: it shows notifications only from service workers.
    }
  }
}

/** Outcome of a followed render's end that the notifier reports. */
type RenderOutcome = BadgeOutcome | 'cancelled';

const OUTCOMES_BY_CODE = new Map<string, RenderOutcome>([
  [RENDER_FAILED, 'failed'],
  [RENDER_UNKNOWN, 'unknown'],
  [RENDER_CANCELLED, 'cancelled'],
]);

/** Returns the outcome of a render end that the event reports, or null for a failed request. */
function outcomeOf(event: RefreshSuccessEvent | RefreshErrorEvent): RenderOutcome | null {
  if (event instanceof RefreshSuccessEvent) {
    return 'succeeded';
  }

  return OUTCOMES_BY_CODE.get(event.detail.code) ?? null;
}
