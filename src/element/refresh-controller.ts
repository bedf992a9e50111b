import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RenderSummary } from '../protocol/index.js';
import { AuthorizedGateway } from './authorized-gateway.js';
import { Cooldown } from './cooldown.js';
import { GatewayRequestError } from './gateway-errors.js';
import { describeFailure, isOutage, needsNewCredentials, retryAfterOf } from './failures.js';
import { OutageRecovery } from './outage-recovery.js';
import type { Messages } from './messages.js';
import { join, leave, sharedStatusRead, type SharingMember, sharingKey } from './page-sharing.js';
import { RefreshDisplay } from './refresh-display.js';
import { failureTransition, type FollowReason } from './refresh-transitions.js';
import type { RefreshView } from './refresh-view.js';
import { followRender, type Target } from './render-follow.js';
import { forgetRender, recallRender } from './render-memory.js';
import { acceptsRefresh, type RefreshStatus } from './status.js';
import { StatusRereads } from './status-rereads.js';
import { TokenStore, type TokenSettings } from './token-store.js';

/** The element that a RefreshController drives. */
export interface RefreshHost extends ReactiveControllerHost, EventTarget, TokenSettings {
  readonly isConnected: boolean;
  gateway: string;
  report: string;
  status: RefreshStatus;
}

/**
 * Reads the report's status, starts refreshes and follows renders for the host, and keeps what
 * the host renders in a RefreshDisplay. Each read, refresh or follow is a run with its own
 * AbortController. A new run aborts the old one, and responses of an old run are ignored.
 * Disconnecting aborts the run, and reconnecting reads the status again, which resumes following
 * a render that is still running. A cooldown that the gateway asked for outlasts runs and
 * reconnects, but not a new target. After an outage (see isOutage) the controller reads the
 * status again with backoff until a read succeeds, and a click reads the status before it
 * requests a refresh. While the host is idle it also reads the status on the shared clock's
 * ticks and when the page shows again (see StatusRereads), and no read starts while the page is
 * hidden. The first load for a gateway and report follows a render stored in `sessionStorage`
 * before a reload, if there is one (see render-memory).
 */
export class RefreshController implements ReactiveController, SharingMember {
  private readonly host: RefreshHost;
  private readonly display: RefreshDisplay;
  private readonly tokens: TokenStore;
  private readonly cooldown = new Cooldown(() => this.endCooldown());
  private readonly recovery = new OutageRecovery(() => this.load());
  private readonly rereads = new StatusRereads(() => this.canReread(), () => this.load());
  private run: AbortController | null = null;
  private handle: string | null = null;
  private targetKey: string | null = null;
  private loadPending = false;
  /** True until the first load for a new target, which follows a render stored before a reload. */
  private resumePending = false;
  /** True while the host is unavailable for want of a token that a new one may fix. */
  private awaitingCredentials = false;

  /** `messages` returns the host's catalog, for the text of the events. */
  constructor(host: RefreshHost, messages: () => Messages) {
    this.host = host;
    this.display = new RefreshDisplay(host, messages);
    this.tokens = new TokenStore(host);
    host.addController(this);
  }

  /** Data that the host renders, replaced as a whole and never changed in place. */
  get view(): RefreshView {
    return this.display.view;
  }

  /** Returns the gateway's current time in ms, from the offset of its last `server_time`. */
  serverNow(): number {
    return this.display.serverNow();
  }

  /** End of the cooldown in ms since the epoch on the browser's clock, or null. */
  get cooldownEndsAt(): number | null {
    return this.cooldown.endsAt;
  }

  /** True while the element reads the status on the shared clock's ticks. */
  get wantsTicks(): boolean {
    return this.rereads.wanted;
  }

  /** Reads the status again on a tick of the shared clock when the last read is old enough. */
  tick(): void {
    this.rereads.tick();
  }

  get sharingKey(): string | null {
    const { gateway, report, token, tokenProvider } = this.host;

    return gateway && report ? sharingKey(gateway, report, token, tokenProvider) : null;
  }

  /**
   * Follows a render that another element of the same key follows, unless this element follows
   * it already, is disconnected, or waits for the gateway to accept its own refresh request.
   */
  renderFollowed(render: RenderSummary, reason: FollowReason): void {
    const { gateway, report, status, isConnected } = this.host;
    const following = this.run !== null && this.handle === render.handle;

    if (!isConnected || !gateway || !report || status === 'starting' || following) {
      return;
    }

    const run = this.beginRun();
    const target = this.target(gateway, report);
    this.recovery.end();
    void this.followShared(run, target, render, reason);
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
    const target = this.target(gateway, report);

    if (!this.recovery.active) {
      this.display.readyStatus = status === 'succeeded' ? 'succeeded' : 'idle';
    }

    this.display.showStarting();

    // After an outage, the last known status is stale: a render may have started meanwhile.
    if (this.recovery.active) {
      void this.readStatus(run, target, 'refresh');
    } else {
      void this.refresh(run, target);
    }
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
    join(this);
    this.loadPending = true;
    this.rereads.connect();
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
    this.resumePending = true;
    this.cancel();
    this.cooldown.cancel();
    this.recovery.end();
    this.display.reset();
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
    leave(this);
    this.loadPending = false;
    this.cancel();
    this.cooldown.pause();
    this.recovery.pause();
    this.rereads.disconnect();
  }

  /** Reads the status, or waits until the page is visible to read it. */
  private load(): void {
    const { gateway, report } = this.host;

    if (this.rereads.deferWhileHidden()) {
      return;
    }

    const run = this.beginRun();

    if (!gateway || !report) {
      return;
    }

    const target = this.target(gateway, report);
    const stored = this.resumePending ? recallRender(gateway, report) : null;
    this.resumePending = false;

    if (stored) {
      void this.reattach(run, target, stored);
    } else {
      void this.readStatus(run, target);
    }
  }

  /**
   * Follows a render stored before the page reloaded. When the gateway no longer knows its
   * handle (404 `unknown_render`), drops it and reads the report's status instead.
   */
  private async reattach(run: AbortController, target: Target, stored: RenderSummary) {
    try {
      await this.follow(run, target, stored, 'resumed', true);
    } catch (error) {
      if (this.run === run && isUnknownRender(error)) {
        forgetRender(target.base, target.report);
        await this.readStatus(run, target);
      } else {
        this.fail(run, target, error);
      }
    } finally {
      this.endRun(run);
    }
  }

  /** Returns whether a status read of its own would tell the element something new. */
  private canReread(): boolean {
    const { gateway, report, status, isConnected } = this.host;
    const idle = this.run === null && !this.recovery.active && acceptsRefresh(status);

    return isConnected && Boolean(gateway && report) && idle;
  }

  /** Marks the run as over, so that the element may read the status by itself again. */
  private endRun(run: AbortController): void {
    if (this.run === run) {
      this.run = null;
    }
  }

  private target(gateway: string, report: string): Target {
    const { token, tokenProvider } = this.host;
    const key = sharingKey(gateway, report, token, tokenProvider);

    return { gateway: new AuthorizedGateway(gateway, this.tokens), base: gateway, report, key };
  }

  private cancel(): void {
    this.run?.abort();
    this.run = null;
  }

  private beginRun(): AbortController {
    this.cancel();
    this.recovery.pause();
    this.run = new AbortController();
    this.handle = null;
    this.awaitingCredentials = false;

    return this.run;
  }

  /**
   * Reads the report's status, then follows a running render. Otherwise it shows the status, or
   * with `next` set to `refresh` requests a refresh.
   */
  private async readStatus(
    run: AbortController,
    target: Target,
    next: 'show' | 'refresh' = 'show',
  ): Promise<void> {
    try {
      const { key, gateway, report } = target;
      const status = await sharedStatusRead(key, gateway, report, run.signal);

      if (this.run !== run) {
        return;
      }

      this.display.showReport(status);
      this.rereads.markRead();
      const recovered = this.recovery.active;
      this.recovery.end();

      if (status.render?.state !== 'running') {
        forgetRender(target.base, target.report);
      }

      if (status.render?.state === 'running') {
        const reason = next === 'refresh' ? 'joined' : 'resumed';
        await this.follow(run, target, status.render, reason);
      } else if (next === 'refresh') {
        await this.refresh(run, target);
      } else {
        this.display.showStatus(recovered);
      }
    } catch (error) {
      this.fail(run, target, error);
    } finally {
      this.endRun(run);
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
    } finally {
      this.endRun(run);
    }
  }

  /** Runs `follow` for a render that another element of the same key announced. */
  private async followShared(
    run: AbortController,
    target: Target,
    render: RenderSummary,
    reason: FollowReason,
  ): Promise<void> {
    try {
      await this.follow(run, target, render, reason, false, false);
    } catch (error) {
      this.fail(run, target, error);
    } finally {
      this.endRun(run);
    }
  }

  /** Follows a render for the run; see followRender. With `announce`, tells other elements. */
  private follow(
    run: AbortController,
    target: Target,
    render: RenderSummary,
    reason: FollowReason,
    confirmFirst = false,
    announce = true,
  ): Promise<void> {
    this.handle = render.handle;
    this.cooldown.cancel();

    return followRender({
      target,
      render,
      reason,
      confirmFirst,
      display: this.display,
      signal: run.signal,
      isCurrent: () => this.run === run,
      announcer: announce ? this : null,
      onEnd: () => this.rereads.markRead(),
    });
  }

  private fail(run: AbortController, target: Target, error: unknown): void {
    if (this.run !== run) {
      return;
    }

    const failure = describeFailure(error, target.report);
    this.awaitingCredentials = failure.status === 'unavailable' && needsNewCredentials(error);

    if (isOutage(error)) {
      this.recovery.schedule(retryAfterOf(error));
    } else {
      this.recovery.end();
    }

    if (failure.status === 'cooldown') {
      this.cooldown.begin(failure.waitMs);
    } else {
      this.cooldown.cancel();
    }

    const { view } = this.display;
    this.display.apply(failureTransition(view, target.report, this.handle, failure));
  }

  private endCooldown(): void {
    if (this.host.status === 'cooldown') {
      this.display.showReady();
    }
  }
}

function isUnknownRender(error: unknown): boolean {
  return error instanceof GatewayRequestError
    && error.status === 404
    && error.code === 'unknown_render';
}
