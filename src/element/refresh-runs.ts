import type { RenderSummary } from '../protocol/index.js';
import type { Cooldown } from './cooldown.js';
import { GatewayRequestError } from './gateway-errors.js';
import type { OutageRecovery } from './outage-recovery.js';
import { sharedStatusRead, type SharingMember } from './page-sharing.js';
import type { RefreshDisplay } from './refresh-display.js';
import type { FollowReason } from './refresh-transitions.js';
import { followRender, type Target } from './render-follow.js';
import { forgetRender } from './render-memory.js';
import { showOfflineFailure, showRequestFailure } from './run-failures.js';
import type { RefreshStatus } from './status.js';
import type { StatusRereads } from './status-rereads.js';

/** Parts of a RefreshController that its runs update. */
export interface RunParts {
  display: RefreshDisplay;
  cooldown: Cooldown;
  recovery: OutageRecovery;
  rereads: StatusRereads;
  /** Member that announces the element's renders to other elements of its key and other tabs. */
  member: SharingMember;
}

/**
 * The runs of one element: each status read, refresh or follow is a run with its own
 * AbortController. A new run aborts the old one, and responses of an old run are ignored.
 */
export class RefreshRuns {
  /** Handle of the render that the current run follows, or null. */
  handle: string | null = null;
  /** True while the host is unavailable for want of a token that a new one may fix. */
  awaitingCredentials = false;

  private readonly display: RefreshDisplay;
  private readonly cooldown: Cooldown;
  private readonly recovery: OutageRecovery;
  private readonly rereads: StatusRereads;
  private readonly member: SharingMember;
  private run: AbortController | null = null;

  constructor(parts: RunParts) {
    this.display = parts.display;
    this.cooldown = parts.cooldown;
    this.recovery = parts.recovery;
    this.rereads = parts.rereads;
    this.member = parts.member;
  }

  /** True while a run reads the status, requests a refresh or follows a render. */
  get active(): boolean {
    return this.run !== null;
  }

  cancel(): void {
    this.run?.abort();
    this.run = null;
  }

  beginRun(): AbortController {
    this.cancel();
    this.recovery.pause();
    this.run = new AbortController();
    this.handle = null;
    this.awaitingCredentials = false;

    return this.run;
  }

  /**
   * Starts a refresh from the host's `status`. After an outage the last known status is stale,
   * so it reads the status first, because a render may have started meanwhile.
   */
  startRefresh(target: Target, status: RefreshStatus): void {
    const run = this.beginRun();

    if (!this.recovery.active) {
      this.display.readyStatus = status === 'succeeded' ? 'succeeded' : 'idle';
    }

    this.display.showStarting();

    if (this.recovery.active) {
      void this.readStatus(run, target, 'refresh');
    } else {
      void this.refresh(run, target);
    }
  }

  /** Follows a render that another element or tab announced, in a run of its own. */
  followAnnounced(target: Target, render: RenderSummary, reason: FollowReason): void {
    const run = this.beginRun();
    this.recovery.end();
    void this.followShared(run, target, render, reason);
  }

  /**
   * Cancels the run and shows that the browser is offline, from the host's `status` before.
   * No request can succeed meanwhile, so none is sent.
   */
  failOffline(report: string, status: RefreshStatus): void {
    const { handle, display, cooldown, recovery } = this;
    this.cancel();
    this.awaitingCredentials = false;
    showOfflineFailure({ display, cooldown, recovery }, report, handle, status);
  }

  /**
   * Follows a render stored before the page reloaded. When the gateway no longer knows its
   * handle (404 `unknown_render`), drops it and reads the report's status instead.
   */
  async reattach(run: AbortController, target: Target, stored: RenderSummary) {
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

  /**
   * Reads the report's status, then follows a running render. Otherwise it shows the status, or
   * with `next` set to `refresh` requests a refresh.
   */
  async readStatus(
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

  async refresh(run: AbortController, target: Target): Promise<void> {
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

  /** Runs `follow` for a render that another element or tab announced. */
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

  /** Marks the run as over, so that the element may read the status by itself again. */
  private endRun(run: AbortController): void {
    if (this.run === run) {
      this.run = null;
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
      announcer: announce ? this.member : null,
      onEnd: () => this.rereads.markRead(),
    });
  }

  private fail(run: AbortController, target: Target, error: unknown): void {
    if (this.run !== run) {
      return;
    }

    const { display, cooldown, recovery } = this;
    const parts = { display, cooldown, recovery };
    this.awaitingCredentials = showRequestFailure(parts, target.report, this.handle, error);
  }
}

function isUnknownRender(error: unknown): boolean {
  return error instanceof GatewayRequestError
    && error.status === 404
    && error.code === 'unknown_render';
}
