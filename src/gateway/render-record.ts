import { EventEmitter, once } from 'node:events';
import type { RenderState, RenderSummary } from '../protocol/index.js';

/**
 * Maximum number of log lines kept per render. Later lines still count in `lineCount`, so
 * clients keep a consistent `next`, but they are not returned.
 */
export const MAX_STORED_LINES = 10_000;

/**
 * The shared state of one render, written by its single upstream follower and read by every
 * client request. Each change emits `change`, which wakes held requests.
 */
export class RenderRecord {
  readonly handle: string;
  readonly reportName: string;
  readonly startedAt: Date;
  state: RenderState = 'running';
  finishedAt: Date | null = null;
  /** Short reason of a failed render. */
  error: string | null = null;
  /** Number of log lines produced so far, including any beyond MAX_STORED_LINES. */
  lineCount = 0;

  private readonly lines: string[] = [];
  private readonly events = new EventEmitter();

  constructor(handle: string, reportName: string, startedAt: Date) {
    this.handle = handle;
    this.reportName = reportName;
    this.startedAt = startedAt;
    // Every held request listens; their number is capped by the gateway, not by this emitter.
    this.events.setMaxListeners(0);
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  summary(): RenderSummary {
    return { handle: this.handle, state: this.state, started_at: this.startedAt.toISOString() };
  }

  appendOutput(lines: readonly string[]): void {
    if (lines.length === 0 || !this.isRunning) {
      return;
    }
    const room = Math.max(0, MAX_STORED_LINES - this.lines.length);
    this.lines.push(...lines.slice(0, room));
    this.lineCount += lines.length;
    this.events.emit('change');
  }

  /** Returns the stored lines from index `after` on. */
  outputFrom(after: number): string[] {
    return this.lines.slice(after);
  }

  succeed(finishedAt: Date): void {
    this.finish('succeeded', finishedAt, null);
  }

  fail(reason: string, finishedAt: Date): void {
    this.finish('failed', finishedAt, reason);
  }

  /**
   * Resolves once the render has left `running` or has more than `after` lines, or when
   * `signal` aborts (time up, client gone, gateway closing). Never rejects.
   */
  async waitForProgress(after: number, signal: AbortSignal): Promise<void> {
    while (this.isRunning && this.lineCount <= after && !signal.aborted) {
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
