import { EventEmitter, once } from 'node:events';
import type { RenderProgress, RenderState, RenderSummary } from '../protocol/index.js';
import type { RenderLog } from './render-log.js';

/** The `error` of a cancelled render. It names no one; the audit log has who cancelled. */
export const CANCELLED_REASON = 'A report owner cancelled the render.';

export interface RenderRecordInit {
  /** The signed handle issued for this render. */
  handle: string;
  /** Random id inside the handle, which names the render in logs. */
  renderId: string;
  reportName: string;
  /** Variant key of the render, or null for the content's default variant. */
  variant: string | null;
  startedAt: Date;
  /** `who` of the refresh request that started the render, or null when the gateway did not. */
  startedBy: string | null;
  /**
   * User name or bearer token name of the request that started the render, as the recent
   * renders list shows it. Null for an anonymous request, or when the gateway did not start it.
   */
  requester: string | null;
  /**
   * Key of the Connect job when the gateway follows the render through the job list (a
   * render it found running), or null when it follows the render's task.
   */
  jobKey: string | null;
  log: RenderLog;
}

/**
 * The shared state of one render, written by its single upstream follower and read by every
 * client request. Each change emits `change`, which wakes held requests.
 */
export class RenderRecord {
  readonly handle: string;
  readonly renderId: string;
  readonly reportName: string;
  readonly variant: string | null;
  readonly startedAt: Date;
  readonly startedBy: string | null;
  readonly requester: string | null;
  readonly jobKey: string | null;
  state: RenderState = 'running';
  finishedAt: Date | null = null;
  /**
   * Short, redacted reason of a failed render, why its outcome is unknown, or CANCELLED_REASON.
   */
  error: string | null = null;
  /** True once the running render exceeded its report's `max_duration`. */
  private exceededMaxDuration = false;

  private readonly log: RenderLog;
  private readonly events = new EventEmitter();

  constructor(init: RenderRecordInit) {
    this.handle = init.handle;
    this.renderId = init.renderId;
    this.reportName = init.reportName;
    this.variant = init.variant;
    this.startedAt = init.startedAt;
    this.startedBy = init.startedBy;
    this.requester = init.requester;
    this.jobKey = init.jobKey;
    this.log = init.log;
    // Every held request listens; their number is capped by the gateway, not by this emitter.
    this.events.setMaxListeners(0);
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  /** True while the render runs longer than its report's `max_duration`. */
  get stuck(): boolean {
    return this.isRunning && this.exceededMaxDuration;
  }

  /** Number of log lines the report exposes now; the `next` of a progress response. */
  get visibleLineCount(): number {
    return this.log.visibleCount(this.state);
  }

  summary(): RenderSummary {
    return { handle: this.handle, state: this.state, started_at: this.startedAt.toISOString() };
  }

  /**
   * Builds the progress response for a client that asked with `handle`, which differs from
   * `this.handle` when an older handle led to this render. `next` never goes below `after`, so
   * that a client which read lines from another replica, ahead of this one, reads none twice.
   */
  progress(handle: string, after: number, lastRenderedAt: string | null): RenderProgress {
    return {
      handle,
      state: this.state,
      output: this.log.visibleFrom(after, this.state),
      next: Math.max(after, this.visibleLineCount),
      started_at: this.startedAt.toISOString(),
      finished_at: this.finishedAt?.toISOString() ?? null,
      error: this.error,
      stuck: this.stuck,
      last_rendered_at: lastRenderedAt,
      server_time: new Date().toISOString(),
    };
  }

  appendOutput(lines: readonly string[]): void {
    if (lines.length === 0 || !this.isRunning) {
      return;
    }
    this.log.append(lines);
    this.events.emit('change');
  }

  succeed(finishedAt: Date): void {
    this.finish('succeeded', finishedAt, null);
  }

  /** Marks the render failed; `reason` must already be short and redacted. */
  fail(reason: string, finishedAt: Date): void {
    this.finish('failed', finishedAt, reason);
  }

  /** Marks the render cancelled by a report owner. */
  cancel(finishedAt: Date): void {
    this.finish('cancelled', finishedAt, CANCELLED_REASON);
  }

  /** Ends the render as `unknown`, because the gateway lost it; `reason` explains how. */
  markUnknown(reason: string, finishedAt: Date): void {
    this.finish('unknown', finishedAt, reason);
  }

  /**
   * Marks the running render stuck, because it exceeded its report's `max_duration`, and
   * wakes held requests. Returns false when it was stuck already or has ended.
   */
  markStuck(): boolean {
    if (!this.isRunning || this.exceededMaxDuration) {
      return false;
    }
    this.exceededMaxDuration = true;
    this.events.emit('change');
    return true;
  }

  /**
   * Resolves once the render has left `running`, exposes more than `after` lines or became
   * stuck, or when `signal` aborts (time up, client gone, gateway closing). Never rejects.
   */
  async waitForProgress(after: number, signal: AbortSignal): Promise<void> {
    const wasStuck = this.stuck;
    while (
      this.isRunning && this.visibleLineCount <= after && this.stuck === wasStuck && !signal.aborted
    ) {
      try {
        await once(this.events, 'change', { signal });
      } catch {
        return;
      }
    }
  }

  /** Resolves once the render has left `running`, or when `signal` aborts. Never rejects. */
  async waitForEnd(signal: AbortSignal): Promise<void> {
    while (this.isRunning && !signal.aborted) {
      try {
        await once(this.events, 'change', { signal });
      } catch {
        return;
      }
    }
  }

  private finish(state: RenderState, finishedAt: Date, error: string | null): void {
    if (!this.isRunning) {
      return;
    }
    this.state = state;
    this.finishedAt = finishedAt;
    this.error = error;
    this.events.emit('change');
  }
}
