import type { RenderSummary, ReportStatus } from '../protocol/index.js';
import type { Cooldown } from './cooldown.js';
import { EndedRenders } from './ended-renders.js';
import { GatewayRequestError } from './gateway-errors.js';
import type { OutageRecovery } from './outage-recovery.js';
import type { SharingMember } from './page-sharing.js';
import type { RefreshDisplay } from './refresh-display.js';
import type { FollowReason, RunKind } from './refresh-transitions.js';
import { followRender, type Target } from './render-follow.js';
import { forgetRender } from './render-memory.js';
import { ReportReads } from './report-reads.js';
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
 * AbortController. A new run aborts the old one, and responses of an old run are ignored,
 * except for the report data of a status read (see ReportReads). A render that the element
 * followed to its end is not followed again (see EndedRenders). After the gateway lost a render
 * (state `unknown`), the status is read again for the last render time.
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
  private readonly reads: ReportReads;
  private readonly ended = new EndedRenders();
  private run: AbortController | null = null;

  constructor(parts: RunParts) {
    this.display = parts.display;
    this.cooldown = parts.cooldown;
    this.recovery = parts.recovery;
    this.rereads = parts.rereads;
    this.member = parts.member;
    this.reads = new ReportReads(parts.display, parts.rereads);
  }

  /** True while a run reads the status, requests a refresh or follows a render. */
  get active(): boolean {
    return this.run !== null;
  }

  /** Aborts the run and every status read, such as before the target changes. */
  cancel(): void {
    this.abortRun();
    this.reads.cancel();
  }

  /** Aborts the current run and begins a new one for the same target. */
  beginRun(): AbortController {
    this.abortRun();
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

  /**
   * Follows a render that another element or tab announced, in a run of its own, unless this
   * element saw that render end.
   */
  followAnnounced(target: Target, render: RenderSummary, reason: FollowReason): void {
    if (this.ended.has(target.tabKey, render.handle)) {
      return;
    }

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
   * Follows a render stored before the page reloaded, and reads the report's status alongside
   * for its report data. When the gateway rejects the handle as unknown (404 `unknown_render`),
   * drops it and takes the status from that read instead. An outage on the first poll shows
   * as after a status read (see followRender).
   */
  async reattach(run: AbortController, target: Target, stored: RenderSummary) {
    const read = this.reads.read(target);
    // The poll shows the errors that matter, unless the status is needed after all below.
    read.catch(() => undefined);

    try {
      await this.follow(run, target, stored, 'resumed', true);
    } catch (error) {
      if (this.run === run && isUnknownRender(error)) {
        forgetRender(target.base, target.report, target.variant);
        await this.readStatus(run, target, 'show', read);
      } else {
        this.fail(run, target, error, 'status-read');
      }
    } finally {
      this.endRun(run);
    }
  }

  /**
   * Reads the report's status, or takes it from `read` in flight, then follows a running
   * render. Otherwise it shows the status, or with `next` set to `refresh` requests a refresh.
   */
  async readStatus(
    run: AbortController,
    target: Target,
    next: 'show' | 'refresh' = 'show',
    read: Promise<ReportStatus> = this.reads.read(target),
  ): Promise<void> {
    try {
      const status = await read;

      if (this.run !== run) {
        return;
      }

      const recovered = this.recovery.active;
      this.recovery.end();
      const running = this.ended.runningRender(target.tabKey, status);

      if (running === null) {
        forgetRender(target.base, target.report, target.variant);
      }

      if (running !== null) {
        const reason = next === 'refresh' ? 'joined' : 'resumed';
        await this.follow(run, target, running, reason);
      } else if (next === 'refresh') {
        await this.refresh(run, target);
      } else {
        this.display.showStatus(recovered);
      }
    } catch (error) {
      this.fail(run, target, error, next === 'refresh' ? 'refresh' : 'status-read');
    } finally {
      this.endRun(run);
    }
  }

  async refresh(run: AbortController, target: Target): Promise<void> {
    try {
      const { gateway, report, variant } = target;
      const accepted = await gateway.requestRefresh(report, variant, run.signal);

      if (this.run === run) {
        await this.follow(run, target, accepted, accepted.joined ? 'joined' : 'started');
      }
    } catch (error) {
      this.fail(run, target, error, 'refresh');
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
      this.fail(run, target, error, 'refresh');
    } finally {
      this.endRun(run);
    }
  }

  private abortRun(): void {
    this.run?.abort();
    this.run = null;
  }

  /** Marks the run as over, so that the element may read the status by itself again. */
  private endRun(run: AbortController): void {
    if (this.run === run) {
      this.run = null;
    }
  }

  /** Follows a render for the run; see followRender. With `announce`, announces it to the other elements. */
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
      onEnd: (progress) => {
        this.rereads.markRead();
        this.ended.add(target.tabKey, render.handle);

        if (progress.state === 'unknown') {
          this.rereadLastRender(target);
        }
      },
    });
  }

  /**
   * Reads the report's status for its last render time after the gateway lost a render, which may
   * have succeeded. A failed read changes nothing, because the periodic reads try again.
   */
  private rereadLastRender(target: Target): void {
    this.reads.read(target).catch(() => undefined);
  }

  private fail(run: AbortController, target: Target, error: unknown, kind: RunKind): void {
    if (this.run !== run) {
      return;
    }

    const { display, cooldown, recovery } = this;
    const parts = { display, cooldown, recovery };
    this.awaitingCredentials = showRequestFailure(parts, target, this.handle, error, kind);
  }
}

function isUnknownRender(error: unknown): boolean {
  return error instanceof GatewayRequestError
    && error.status === 404
    && error.code === 'unknown_render';
}
