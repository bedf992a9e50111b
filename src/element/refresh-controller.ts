import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RenderProgress, RenderSummary } from '../protocol/index.js';
import { AuthorizedGateway } from './authorized-gateway.js';
import { Cooldown } from './cooldown.js';
import { describeFailure, needsNewCredentials } from './failures.js';
import {
  failureTransition,
  type FollowReason,
  followTransition,
  renderEndTransition,
  type Transition,
} from './refresh-transitions.js';
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

/**
 * Reads the report's status, starts refreshes and follows renders for the host, and stores what
 * the host renders. Each read, refresh or follow is a run with its own AbortController. A new run
 * aborts the old one, and responses of an old run are ignored. Disconnecting aborts the run, and
 * reconnecting reads the status again, which resumes following a render that is still running.
 * A cooldown that the gateway asked for outlasts runs and reconnects, but not a new target.
 */
export class RefreshController implements ReactiveController {
  /** Data that the host renders, replaced as a whole and never changed in place. */
  view: RefreshView = emptyView();

  private readonly host: RefreshHost;
  private readonly tokens: TokenStore;
  private readonly cooldown = new Cooldown(() => this.endCooldown());
  private run: AbortController | null = null;
  private handle: string | null = null;
  private targetKey: string | null = null;
  private loadPending = false;
  private clockOffsetMs = 0;
  /** True while the host is unavailable for want of a token that a new one may fix. */
  private awaitingCredentials = false;
  /** Status to show when a cooldown ends: the status before the run, succeeded or idle. */
  private statusAfterCooldown: 'idle' | 'succeeded' = 'idle';

  constructor(host: RefreshHost) {
    this.host = host;
    this.tokens = new TokenStore(host);
    host.addController(this);
  }

  /** Returns the gateway's current time in ms, from the offset of its last `server_time`. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** End of the cooldown in ms since the epoch on the browser's clock, or null. */
  get cooldownEndsAt(): number | null {
    return this.cooldown.endsAt;
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
    this.statusAfterCooldown = status === 'succeeded' ? 'succeeded' : 'idle';
    this.view = {
      ...this.view,
      startedAt: null,
      log: [],
      message: '',
      detail: '',
      announcement: '',
    };
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
    this.cooldown.resume();
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
    this.cooldown.cancel();
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
    this.cooldown.pause();
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

      if (shown === 'cooldown') {
        this.host.requestUpdate();
        return;
      }

      this.statusAfterCooldown = shown === 'succeeded' ? 'succeeded' : 'idle';
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
    this.handle = render.handle;
    this.cooldown.cancel();
    this.apply(followTransition(this.view, report, render, reason));

    for await (const progress of pollRender(target.gateway, render.handle, run.signal)) {
      if (this.run !== run) {
        return;
      }

      this.applyProgress(progress);

      if (progress.state !== 'running') {
        this.apply(renderEndTransition(this.view, report, progress));
      }
    }
  }

  private applyProgress(progress: RenderProgress): void {
    this.observeServerTime(progress.server_time);
    const log = appendLog(this.view.log, progress.output);
    this.view = { ...this.view, startedAt: progress.started_at, log };
    this.host.requestUpdate();
  }

  private fail(run: AbortController, target: Target, error: unknown): void {
    if (this.run !== run) {
      return;
    }

    const failure = describeFailure(error, target.report);
    this.awaitingCredentials = failure.status === 'unavailable' && needsNewCredentials(error);

    if (failure.status === 'cooldown') {
      this.cooldown.begin(failure.waitMs);
    } else {
      this.cooldown.cancel();
    }

    this.apply(failureTransition(this.view, target.report, this.handle, failure));
  }

  private apply(transition: Transition): void {
    this.view = transition.view;
    this.setStatus(transition.status);
    this.host.dispatchEvent(transition.event);
  }

  private endCooldown(): void {
    if (this.host.status !== 'cooldown') {
      return;
    }

    const announcement = 'The report can be refreshed again.';
    this.view = { ...this.view, message: '', detail: '', announcement };
    this.setStatus(this.statusAfterCooldown);
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
