import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RecentRenders, RenderSummary } from '../protocol/index.js';
import { AuthorizedGateway } from './authorized-gateway.js';
import { Cooldown } from './cooldown.js';
import { isOffline, NetworkStatus } from './network-status.js';
import { OutageRecovery } from './outage-recovery.js';
import type { Messages } from './messages.js';
import { sharingKey } from './page-sharing.js';
import { RefreshDisplay } from './refresh-display.js';
import { RefreshRuns } from './refresh-runs.js';
import { RenderCancellation } from './render-cancel.js';
import { RenderNews } from './render-news.js';
import type { FollowReason } from './refresh-transitions.js';
import type { RefreshView } from './refresh-view.js';
import type { Target } from './render-follow.js';
import { recallRender } from './render-memory.js';
import { acceptsRefresh, type RefreshStatus } from './status.js';
import { StatusRereads } from './status-rereads.js';
import { tabKey } from './tab-messages.js';
import { TokenStore, type TokenSettings } from './token-store.js';
import { variantKey } from './variant-key.js';

/** The element that a RefreshController drives. */
export interface RefreshHost extends ReactiveControllerHost, EventTarget, TokenSettings {
  readonly isConnected: boolean;
  /** True to send cookies to a gateway on another origin. */
  withCredentials: boolean;
  gateway: string;
  report: string;
  /** Key of the report's variant to render and show; empty for the report's default. */
  variant: string;
  status: RefreshStatus;
}

/**
 * Reads the report's status, starts refreshes and follows renders for the host, and keeps what
 * the host renders in a RefreshDisplay. Each read, refresh or follow is a run (see RefreshRuns).
 * Disconnecting aborts the run, and reconnecting reads the status again, which resumes following
 * a render that is still running. A cooldown that the gateway asked for outlasts runs and
 * reconnects, but not a new target. After an outage (see isOutage) the controller reads the
 * status again with backoff until a read succeeds, and a click reads the status before it
 * requests a refresh. An outage on the first poll of a stored render shows in the same way. While the host is idle it also reads the status on the shared clock's
 * ticks and when the page shows again (see StatusRereads), and no read starts while the page is
 * hidden. The first load for a gateway and report follows a render stored in `sessionStorage`
 * before a reload, if there is one (see render-memory). While the browser is offline the
 * controller sends nothing and shows the host as unavailable, and the `online` event makes it
 * read the status once. It also follows renders that other tabs announce (see tab-sync).
 */
export class RefreshController implements ReactiveController {
  private readonly host: RefreshHost;
  private readonly display: RefreshDisplay;
  private readonly tokens: TokenStore;
  private readonly cooldown = new Cooldown(() => this.endCooldown());
  private readonly recovery = new OutageRecovery(() => this.load());
  private readonly rereads = new StatusRereads(() => this.canReread(), () => this.load());
  private readonly runs: RefreshRuns;
  private readonly cancellation: RenderCancellation;
  private readonly news: RenderNews;
  private readonly network = new NetworkStatus(() => this.showOffline(), () => this.goOnline());
  /** True while the host shows that the browser is offline. */
  private offline = false;
  /** Target key of the last update, see targetKey(). */
  private shownTarget: string | null = null;
  private loadPending = false;
  /** True until the first load for a new target, which follows a render stored before a reload. */
  private resumePending = false;

  /** `messages` returns the host's catalog, for the text of the events. */
  constructor(host: RefreshHost, messages: () => Messages) {
    this.host = host;
    this.display = new RefreshDisplay(host, messages);
    this.tokens = new TokenStore(host);
    this.news = new RenderNews(host, {
      follow: (render, reason) => this.followAnnounced(render, reason),
      showLastRendered: (lastRenderedAt) => this.showLastRendered(lastRenderedAt),
    });
    const { display, cooldown, recovery, rereads, news } = this;
    this.runs = new RefreshRuns({ display, cooldown, recovery, rereads, member: news });
    this.cancellation = new RenderCancellation(display, () => this.runs.handle);
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

  /** Key of the host's gateway, report and variant, which changes when any of them changes. */
  targetKey(): string {
    return JSON.stringify([this.host.gateway, this.host.report, variantKey(this.host.variant)]);
  }

  /**
   * Reads the recent renders of the host's report and variant with the host's credentials, or
   * returns null while the host lacks a gateway or report.
   */
  readRecentRenders(limit: number, signal: AbortSignal): Promise<RecentRenders> | null {
    const { gateway, report } = this.host;

    if (!gateway || !report) {
      return null;
    }

    const target = this.target(gateway, report);

    return target.gateway.readRecentRenders(report, target.variant, limit, signal);
  }

  /** Reads the status again on a tick of the shared clock when the last read is old enough. */
  tick(): void {
    this.rereads.tick();
  }

  /**
   * Sets the host's `status` back to the one that the controller set, after something else
   * wrote the property or the attribute. Call before the host renders.
   */
  restoreStatus(): void {
    this.display.restoreStatus();
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

    this.runs.startRefresh(this.target(gateway, report), status);
  }

  /**
   * Asks the gateway to cancel the followed render, when the host shows it running and the last
   * status read returned `can_cancel: true`. The render's poll shows its end.
   */
  cancelRender(): void {
    const { gateway, report, status, isConnected } = this.host;
    const { handle } = this.runs;

    if (!isConnected || !gateway || !report || status !== 'running' || handle === null) {
      return;
    }

    if (this.view.canCancel && this.view.cancel.state === 'ready') {
      this.cancellation.send(this.target(gateway, report), handle);
    }
  }

  /**
   * Reads the report's status again after the host's `token` or `tokenProvider` changed, when
   * the last request failed for want of a valid token or when nothing runs. What the caller
   * may do, such as cancel, depends on who the caller is.
   */
  credentialsChanged(): void {
    if (this.runs.awaitingCredentials) {
      this.runs.awaitingCredentials = false;
      this.loadPending = true;
      return;
    }

    const { status } = this.host;
    if (!this.runs.active && !this.recovery.active && acceptsRefresh(status)) {
      this.loadPending = true;
    }
  }

  hostConnected(): void {
    this.news.join();
    this.loadPending = true;
    this.rereads.connect();
    this.network.connect();
    this.cooldown.resume();
    this.host.requestUpdate();
  }

  /** Clears what belongs to the previous report before the host renders a new target. */
  hostUpdate(): void {
    const key = this.targetKey();

    if (key === this.shownTarget) {
      return;
    }

    this.shownTarget = key;
    this.loadPending = true;
    this.resumePending = true;
    this.runs.cancel();
    this.cancellation.abort();
    this.cooldown.cancel();
    this.recovery.end();
    this.display.reset();
    this.offline = false;
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
    this.news.leave();
    this.loadPending = false;
    this.runs.cancel();
    this.cancellation.abort();
    this.cooldown.pause();
    this.recovery.pause();
    this.rereads.disconnect();
    this.network.disconnect();
  }

  /**
   * Follows a render that another element or tab follows, unless this element follows it
   * already, is disconnected or offline, or waits for the gateway to accept its own refresh
   * request.
   */
  private followAnnounced(render: RenderSummary, reason: FollowReason): void {
    const { gateway, report, status, isConnected } = this.host;
    const following = this.runs.active && this.runs.handle === render.handle;

    if (!isConnected || !gateway || !report || status === 'starting' || following || this.offline) {
      return;
    }

    this.runs.followAnnounced(this.target(gateway, report), render, reason);
  }

  /**
   * Shows the last render time after a render that another tab followed ended, without a status
   * read, while this element follows no render of its own.
   */
  private showLastRendered(lastRenderedAt: string): void {
    if (!this.host.isConnected || this.runs.active) {
      return;
    }

    if (this.display.showLastRendered(lastRenderedAt)) {
      this.rereads.markRead();
    }
  }

  /**
   * Reads the status, or waits until the page is visible to read it. While the browser is
   * offline it shows that instead.
   */
  private load(): void {
    const { gateway, report } = this.host;

    if (isOffline()) {
      // A load can run during the host's update, which should not request another one.
      queueMicrotask(() => this.showOffline());
      return;
    }

    this.offline = false;

    if (this.rereads.deferWhileHidden()) {
      return;
    }

    const run = this.runs.beginRun();

    if (!gateway || !report) {
      return;
    }

    const target = this.target(gateway, report);
    const stored = this.resumePending ? recallRender(gateway, report, target.variant) : null;
    this.resumePending = false;

    if (stored) {
      void this.runs.reattach(run, target, stored);
    } else {
      void this.runs.readStatus(run, target);
    }
  }

  /** Returns whether a status read of its own would tell the element something new. */
  private canReread(): boolean {
    const { gateway, report, status, isConnected } = this.host;
    const idle = !this.runs.active && !this.recovery.active && acceptsRefresh(status);

    return isConnected && Boolean(gateway && report) && idle;
  }

  private target(gateway: string, report: string): Target {
    const variant = variantKey(this.host.variant);
    const key = sharingKey(gateway, report, this.host, variant);
    const authorized = new AuthorizedGateway(gateway, this.tokens, this.host);

    return {
      gateway: authorized,
      base: gateway,
      report,
      variant,
      key,
      tabKey: tabKey(gateway, report, variant),
    };
  }

  /**
   * Stops every request and retry and shows the host as unavailable, because no request can
   * succeed while the browser is offline. The next status read that succeeds shows the host as
   * ready again, as after an outage.
   */
  private showOffline(): void {
    const { gateway, report, status, isConnected } = this.host;

    if (!isConnected || !gateway || !report) {
      this.runs.cancel();
    } else if (!this.offline) {
      this.offline = true;
      this.runs.failOffline(report, status);
    }
  }

  /**
   * Reads the status once when the connection returns, if the host showed it was offline. A
   * render followed before the connection dropped is still in `sessionStorage`, so the load polls
   * it again, which shows its end even when it ended meanwhile.
   */
  private goOnline(): void {
    if (this.offline) {
      this.resumePending = true;
      this.load();
    }
  }

  private endCooldown(): void {
    if (this.host.status === 'cooldown') {
      this.display.showReady();
    }
  }
}
