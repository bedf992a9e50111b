import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RenderProgress, RenderSummary } from '../protocol/index.js';
import { AuthorizedGateway } from './authorized-gateway.js';
import { RefreshErrorEvent, RefreshStartEvent, RefreshSuccessEvent } from './events.js';
import { describeFailure, needsNewCredentials, RENDER_FAILED } from './failures.js';
import { pollRender } from './render-poll.js';
import { appendLog, emptyView, type RefreshView } from './refresh-view.js';
import { acceptsRefresh, type RefreshStatus } from './status.js';
import { TokenStore, type TokenSettings } from './token-store.js';

/** The element that a RefreshController drives. */
export interface RefreshHost extends ReactiveControllerHost, EventTarget, TokenSettings {
  readonly isConnected: boolean;
  gateway: string;
  report: string;
  status: RefreshStatus;
}

/** Gateway and report of one run, fixed when the run begins. */
interface Target {
  gateway: AuthorizedGateway;
  report: string;
}

/** Reason the element follows a render: it started it, joined it, or found it running. */
type FollowReason = 'started' | 'joined' | 'resumed';

const ANNOUNCEMENTS: Record<FollowReason, string> = {
  started: 'Refresh started.',
  joined: 'Joined a refresh that was already running.',
  resumed: 'A refresh is running.',
};

/**
 * Reads the report's status, starts refreshes and follows renders for the host, and stores what
 * the host renders. Each read, refresh or follow is a run with its own AbortController. A new run
 * aborts the old one, and responses of an old run are ignored. Disconnecting aborts the run, and
 * reconnecting reads the status again, which resumes following a render that is still running.
 */
export class RefreshController implements ReactiveController {
  /** Data that the host renders, replaced as a whole and never changed in place. */
  view: RefreshView = emptyView();

  private readonly host: RefreshHost;
  private readonly tokens: TokenStore;
  private run: AbortController | null = null;
  private handle: string | null = null;
  private targetKey: string | null = null;
  private loadPending = false;
  private clockOffsetMs = 0;
  /** True while the host is unavailable for want of a token that a new one may fix. */
  private awaitingCredentials = false;

  constructor(host: RefreshHost) {
    this.host = host;
    this.tokens = new TokenStore(host);
    host.addController(this);
  }

  /** Returns the gateway's current time in ms, from the offset of its last `server_time`. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * Starts a refresh unless the host is busy, unavailable, disconnected, or lacks a gateway or
   * report.
   */
  start(): void {
    const { gateway, report, status, isConnected } = this.host;

    if (!isConnected || !gateway || !report || !acceptsRefresh(status)) {
      return;
    }

    const run = this.beginRun();
    this.view = { ...this.view, startedAt: null, log: [], message: '', announcement: '' };
    this.setStatus('starting');
    void this.refresh(run, this.target(gateway, report));
  }

  /**
   * Reads the report's status again after the host's `token` or `tokenProvider` changed, when
   * the last request failed for want of a valid token.
   */
  credentialsChanged(): void {
    if (this.awaitingCredentials) {
      this.awaitingCredentials = false;
      this.loadPending = true;
    }
  }

  hostConnected(): void {
    this.loadPending = true;
    this.host.requestUpdate();
  }

  /** Clears what belongs to the previous report before the host renders a new target. */
  hostUpdate(): void {
    const key = `${this.host.gateway}\n${this.host.report}`;

    if (key === this.targetKey) {
      return;
    }

    this.targetKey = key;
    this.loadPending = true;
    this.cancel();
    this.view = emptyView();
    this.host.status = 'idle';
  }

  hostUpdated(): void {
    // An update can still run after a removal; hostConnected loads when the host comes back.
    if (!this.loadPending || !this.host.isConnected) {
      return;
    }

    this.loadPending = false;
    this.load();
  }

  hostDisconnected(): void {
    this.loadPending = false;
    this.cancel();
  }

  private load(): void {
    const { gateway, report } = this.host;
    const run = this.beginRun();

    if (gateway && report) {
      void this.readStatus(run, this.target(gateway, report));
    }
  }

  private target(gateway: string, report: string): Target {
    return { gateway: new AuthorizedGateway(gateway, this.tokens), report };
  }

  private cancel(): void {
    this.run?.abort();
    this.run = null;
  }

  private beginRun(): AbortController {
    this.cancel();
    this.run = new AbortController();
    this.handle = null;
    this.awaitingCredentials = false;

    return this.run;
  }

  private async readStatus(run: AbortController, target: Target): Promise<void> {
    try {
      const status = await target.gateway.readReportStatus(target.report, run.signal);

      if (this.run !== run) {
        return;
      }

      this.observeServerTime(status.server_time);
      const { title: reportTitle, last_rendered_at: lastRenderedAt } = status;
      this.view = { ...this.view, reportTitle, lastRenderedAt };

      if (status.render?.state === 'running') {
        await this.follow(run, target, status.render, 'resumed');
        return;
      }

      const { status: shown } = this.host;
      this.setStatus(shown === 'succeeded' || shown === 'failed' ? shown : 'idle');
    } catch (error) {
      this.fail(run, target, error);
    }
  }

  private async refresh(run: AbortController, target: Target): Promise<void> {
    try {
      const accepted = await target.gateway.requestRefresh(target.report, run.signal);

      if (this.run === run) {
        await this.follow(run, target, accepted, accepted.joined ? 'joined' : 'started');
      }
    } catch (error) {
      this.fail(run, target, error);
    }
  }

  /** Follows a render until it succeeds or fails; see pollRender for the retries. */
  private async follow(
    run: AbortController,
    target: Target,
    render: RenderSummary,
    reason: FollowReason,
  ): Promise<void> {
    const { report } = target;
    const joined = reason !== 'started';
    this.handle = render.handle;
    const announcement = ANNOUNCEMENTS[reason];
    this.view = { ...this.view, startedAt: render.started_at, announcement };
    this.setStatus('running');
    this.host.dispatchEvent(new RefreshStartEvent({ report, handle: render.handle, joined }));

    for await (const progress of pollRender(target.gateway, render.handle, run.signal)) {
      if (this.run !== run) {
        return;
      }

      this.applyProgress(progress);

      if (progress.state !== 'running') {
        this.finish(target, progress);
      }
    }
  }

  private applyProgress(progress: RenderProgress): void {
    this.observeServerTime(progress.server_time);
    const log = appendLog(this.view.log, progress.output);
    this.view = { ...this.view, startedAt: progress.started_at, log };
    this.host.requestUpdate();
  }

  private finish(target: Target, progress: RenderProgress): void {
    const { handle } = progress;
    const { report } = target;
    const lastRenderedAt = progress.last_rendered_at ?? this.view.lastRenderedAt ?? null;

    if (progress.state === 'succeeded') {
      this.view = { ...this.view, lastRenderedAt, announcement: 'Refresh finished.' };
      this.setStatus('succeeded');
      this.host.dispatchEvent(new RefreshSuccessEvent({ report, handle, lastRenderedAt }));
      return;
    }

    const message = progress.error
      ? `The report could not be rendered: ${progress.error}`
      : 'The report could not be rendered.';
    const announcement = `Refresh failed. ${message}`;
    this.view = { ...this.view, lastRenderedAt, message, announcement };
    this.setStatus('failed');
    const detail = { report, handle, code: RENDER_FAILED, message };
    this.host.dispatchEvent(new RefreshErrorEvent(detail));
  }

  private fail(run: AbortController, target: Target, error: unknown): void {
    if (this.run !== run) {
      return;
    }

    const { status, code, message } = describeFailure(error, target.report);
    this.awaitingCredentials = status === 'unavailable' && needsNewCredentials(error);
    const prefix = status === 'failed' ? 'Refresh failed.' : 'Refresh unavailable.';
    this.view = { ...this.view, message, announcement: `${prefix} ${message}` };
    this.setStatus(status);
    const detail = { report: target.report, handle: this.handle, code, message };
    this.host.dispatchEvent(new RefreshErrorEvent(detail));
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
