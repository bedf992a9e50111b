import type { ReactiveControllerHost } from 'lit';
import type { RenderProgress, ReportStatus } from '../protocol/index.js';
import { type Messages, plain } from './messages.js';
import type { Transition } from './refresh-transitions.js';
import { latestLogProgress } from './log-progress.js';
import { RecentDurations } from './recent-durations.js';
import { appendLog, type CancelView, emptyView, type RefreshView } from './refresh-view.js';
import type { RefreshStatus } from './status.js';
import { canCancelOf, isStuck, recentDurationsOf } from './wire-guards.js';

/** The element whose view and status a RefreshDisplay sets. */
export interface DisplayHost extends ReactiveControllerHost, EventTarget {
  status: RefreshStatus;
}

/**
 * The element's display: its view and status, set together with the events that report them,
 * and the gateway's clock.
 */
export class RefreshDisplay {
  /** Data that the host renders, replaced as a whole and never changed in place. */
  view: RefreshView = emptyView();

  /** Status to show when a cooldown or an outage ends: succeeded or idle, as before the run. */
  readyStatus: 'idle' | 'succeeded' = 'idle';

  private readonly host: DisplayHost;
  private readonly messages: () => Messages;
  private readonly recentDurations = new RecentDurations();
  private clockOffsetMs = 0;
  private shownStatus: RefreshStatus = 'idle';

  /** `messages` returns the host's catalog, for the text of the events. */
  constructor(host: DisplayHost, messages: () => Messages) {
    this.host = host;
    this.messages = messages;
  }

  /**
   * Status that the display set last. The host's `status` may differ from it for a moment after
   * something else wrote the property or attribute (see restoreStatus).
   */
  get status(): RefreshStatus {
    return this.shownStatus;
  }

  /** Returns the gateway's current time in ms, from the offset of its last `server_time`. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Clears what belongs to the previous report, during the host's update. */
  reset(): void {
    this.view = emptyView();
    this.recentDurations.reset();
    this.shownStatus = 'idle';
    this.host.status = 'idle';
  }

  /** Sets the host's `status` back to the display's, if something else changed it. */
  restoreStatus(): void {
    if (this.host.status !== this.shownStatus) {
      this.host.status = this.shownStatus;
    }
  }

  /** Clears the render and the failure of the last run and shows `starting`. */
  showStarting(): void {
    this.view = {
      ...this.view,
      startedAt: null,
      log: [],
      logProgress: null,
      stuck: false,
      message: null,
      detail: null,
      announcement: null,
    };
    this.setStatus('starting');
  }

  /**
   * Takes the report's title, last render time, recent render durations and whether this person
   * may cancel, and the gateway's clock, from a status read. The last render time never moves
   * back: a response from the gateway's older data, or one that reports no render, keeps a
   * newer time that the element already has. The durations follow RecentDurations.
   */
  showReport(status: ReportStatus): void {
    this.observeServerTime(status.server_time);
    const { title: reportTitle, last_rendered_at: readRenderedAt } = status;
    const lastRenderedAt = newerTime(this.view.lastRenderedAt, readRenderedAt);
    this.recentDurations.takeStatusRead(recentDurationsOf(status), readRenderedAt);
    const { durations: recentDurations } = this.recentDurations;
    const canCancel = canCancelOf(status);
    this.view = { ...this.view, reportTitle, lastRenderedAt, recentDurations, canCancel };
    this.host.requestUpdate();
  }

  /** Shows the cancel control of the followed render in another state, with no event. */
  showCancel(cancel: CancelView): void {
    this.view = { ...this.view, cancel };
    this.host.requestUpdate();
  }

  /**
   * Shows a last render time learned without a status read, such as from another tab, if it is
   * newer than the current one, and returns whether it was. Before the first status read it
   * shows nothing, because the element has no time of its own to compare.
   */
  showLastRendered(lastRenderedAt: string): boolean {
    const current = this.view.lastRenderedAt;

    if (current === undefined || Number.isNaN(Date.parse(lastRenderedAt))) {
      return false;
    }

    if (current !== null && !(Date.parse(lastRenderedAt) > Date.parse(current))) {
      return false;
    }

    this.view = { ...this.view, lastRenderedAt };
    this.host.requestUpdate();

    return true;
  }

  /** Shows the status after a read found no render running; `recovered` ends an outage. */
  showStatus(recovered: boolean): void {
    const shown = this.shownStatus;

    if (shown === 'cooldown') {
      this.host.requestUpdate();
      return;
    }

    if (recovered) {
      this.showReady();
      return;
    }

    this.readyStatus = shown === 'succeeded' ? 'succeeded' : 'idle';
    const kept = shown === 'succeeded' || shown === 'failed' || shown === 'unknown'
      || shown === 'cancelled';
    this.setStatus(kept ? shown : 'idle');
  }

  /** Clears the failure message and shows that the button accepts a refresh again. */
  showReady(): void {
    const announcement = plain('refreshReady');
    this.view = { ...this.view, message: null, detail: null, announcement };
    this.setStatus(this.readyStatus);
  }

  /**
   * Takes the start time and new log lines of the followed render from a poll. The log progress
   * is read from the raw lines, because a knitr bar that redraws itself with carriage returns
   * keeps only its last drawing in the shown log (see terminalLine). A render that succeeded
   * adds its duration to the recent ones, so that the next estimate counts it before the next
   * status read. When a running render becomes stuck (see isStuck), the live region announces it once.
   */
  applyProgress(progress: RenderProgress): void {
    this.observeServerTime(progress.server_time);
    const log = appendLog(this.view.log, progress.output);
    const logProgress = latestLogProgress(progress.output) ?? this.view.logProgress;
    const { started_at: startedAt, finished_at: finishedAt } = progress;
    let { recentDurations } = this.view;

    if (progress.state === 'succeeded' && finishedAt !== null) {
      this.recentDurations.addRender(startedAt, finishedAt);
      recentDurations = this.recentDurations.durations;
    }

    const stuck = progress.state === 'running' && isStuck(progress);
    const announcement = stuck && !this.view.stuck ? plain('renderStuck') : this.view.announcement;
    this.view = { ...this.view, startedAt, log, logProgress, recentDurations, stuck, announcement };
    this.host.requestUpdate();
  }

  /** Shows the transition's view and status, and dispatches its event, if it has one. */
  apply(transition: Transition): void {
    this.view = transition.view;
    this.setStatus(transition.status);

    if (transition.event !== null) {
      this.host.dispatchEvent(transition.event(this.messages()));
    }
  }

  private observeServerTime(serverTime: string): void {
    const time = Date.parse(serverTime);

    if (!Number.isNaN(time)) {
      this.clockOffsetMs = time - Date.now();
    }
  }

  private setStatus(status: RefreshStatus): void {
    this.shownStatus = status;
    this.host.status = status;
    this.host.requestUpdate();
  }
}

/**
 * Returns the newer of two last render times: `known` unless `read` is a later time, or `read`
 * while nothing is known. A null `read` keeps a known time.
 */
function newerTime(
  known: string | null | undefined,
  read: string | null,
): string | null {
  if (known === undefined || known === null || Number.isNaN(Date.parse(known))) {
    return read;
  }

  if (read === null) {
    return known;
  }

  return Date.parse(read) > Date.parse(known) ? read : known;
}
