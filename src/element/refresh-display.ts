import type { ReactiveControllerHost } from 'lit';
import type { RenderProgress, ReportStatus } from '../protocol/index.js';
import { type Messages, plain } from './messages.js';
import type { Transition } from './refresh-transitions.js';
import { latestLogProgress } from './log-progress.js';
import { appendLog, emptyView, type RefreshView } from './refresh-view.js';
import type { RefreshStatus } from './status.js';
import { recentDurationsOf } from './wire-guards.js';

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
  private clockOffsetMs = 0;

  /** `messages` returns the host's catalog, for the text of the events. */
  constructor(host: DisplayHost, messages: () => Messages) {
    this.host = host;
    this.messages = messages;
  }

  /** Returns the gateway's current time in ms, from the offset of its last `server_time`. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Clears what belongs to the previous report, during the host's update. */
  reset(): void {
    this.view = emptyView();
    this.host.status = 'idle';
  }

  /** Clears the render and the failure of the last run and shows `starting`. */
  showStarting(): void {
    this.view = {
      ...this.view,
      startedAt: null,
      log: [],
      logProgress: null,
      message: null,
      detail: '',
      announcement: null,
    };
    this.setStatus('starting');
  }

  /**
   * Takes the report's title, last render time and recent render durations, and the gateway's
   * clock, from a status read.
   */
  showReport(status: ReportStatus): void {
    this.observeServerTime(status.server_time);
    const { title: reportTitle, last_rendered_at: lastRenderedAt } = status;
    const recentDurations = recentDurationsOf(status);
    this.view = { ...this.view, reportTitle, lastRenderedAt, recentDurations };
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
    const { status: shown } = this.host;

    if (shown === 'cooldown') {
      this.host.requestUpdate();
      return;
    }

    if (recovered) {
      this.showReady();
      return;
    }

    this.readyStatus = shown === 'succeeded' ? 'succeeded' : 'idle';
    this.setStatus(shown === 'succeeded' || shown === 'failed' ? shown : 'idle');
  }

  /** Clears the failure message and shows that the button accepts a refresh again. */
  showReady(): void {
    const announcement = plain('refreshReady');
    this.view = { ...this.view, message: null, detail: '', announcement };
    this.setStatus(this.readyStatus);
  }

  /**
   * Takes the start time and new log lines of the followed render from a poll. The log progress
   * is read from the raw lines, because a knitr bar that redraws itself with carriage returns
   * keeps only its last drawing in the shown log (see terminalLine).
   */
  applyProgress(progress: RenderProgress): void {
    this.observeServerTime(progress.server_time);
    const log = appendLog(this.view.log, progress.output);
    const logProgress = latestLogProgress(progress.output) ?? this.view.logProgress;
    this.view = { ...this.view, startedAt: progress.started_at, log, logProgress };
    this.host.requestUpdate();
  }

  apply(transition: Transition): void {
    this.view = transition.view;
    this.setStatus(transition.status);
    this.host.dispatchEvent(transition.event(this.messages()));
  }

  private observeServerTime(serverTime: string): void {
    const time = Date.parse(serverTime);

    if (!Number.isNaN(time)) {
      this.clockOffsetMs = time - Date.now();
    }
  }

  private setStatus(status: RefreshStatus): void {
    this.host.status = status;
    this.host.requestUpdate();
  }
}
