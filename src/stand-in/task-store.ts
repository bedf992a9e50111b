import { formatOutputTimestamp, nowNs } from './clock.js';
import { randomAlphanumeric } from './ids.js';

/** Maximum output lines per task. The last kept line is a note that later lines were dropped. */
export const TASK_OUTPUT_LINE_LIMIT = 10_000;

export interface TaskRecord {
  id: string;
  userId: number;
  output: string[];
  finished: boolean;
  /** Non-zero once a finished task has failed. */
  code: number;
  error: string;
  /** Lines that arrived after the output reached TASK_OUTPUT_LINE_LIMIT. */
  droppedLines: number;
  /** Number of polls left that get 404 as if the task did not exist (missingTaskPolls). */
  missingPollsLeft: number;
}

export interface TaskStoreOptions {
  /** Time in ms a finished task stays readable. */
  retentionMs: number;
  /** Number of first polls of each task that get 404 as if the task did not exist. */
  missingPolls: number;
}

/** Render tasks, their output, their expiry after finishing, and the polls waiting on them. */
export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly expiryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: TaskStoreOptions) {}

  create(userId: number): TaskRecord {
    const task: TaskRecord = {
      id: randomAlphanumeric(16),
      userId,
      output: [],
      finished: false,
      code: 0,
      error: '',
      droppedLines: 0,
      missingPollsLeft: this.options.missingPolls,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  /** Returns a task that exists and has not expired, or undefined. */
  get(id: string): TaskRecord | undefined {
    return this.tasks.get(id);
  }

  /** Appends one output line, prefixed with the current time as Connect does. */
  appendTimestamped(task: TaskRecord, line: string): void {
    this.append(task, `${formatOutputTimestamp(nowNs())} ${line}`);
  }

  /** Appends one output line as is, dropping it once the output is full. */
  append(task: TaskRecord, line: string): void {
    if (task.finished) {
      return;
    }
    if (task.output.length < TASK_OUTPUT_LINE_LIMIT - 1) {
      task.output.push(line);
      return;
    }
    if (task.output.length === TASK_OUTPUT_LINE_LIMIT - 1) {
      task.output.push(`${formatOutputTimestamp(nowNs())} [stand-in] Output reached `
        + `${TASK_OUTPUT_LINE_LIMIT} lines; later lines are not kept.`);
    }
    task.droppedLines += 1;
  }

  /** Marks the task finished, wakes the polls waiting on it, and schedules its expiry. */
  finish(task: TaskRecord, code: number, error: string): void {
    if (task.finished) {
      return;
    }
    task.finished = true;
    task.code = code;
    task.error = error;
    this.wake(task.id);
    if (this.tasks.get(task.id) !== task) {
      // Forgotten in a restart: nothing to expire.
      return;
    }
    const timer = setTimeout(() => {
      this.expiryTimers.delete(timer);
      this.tasks.delete(task.id);
    }, this.options.retentionMs);
    timer.unref();
    this.expiryTimers.add(timer);
  }

  /**
   * Resolves when the task finishes, when `timeoutMs` has passed, when `signal` aborts, or
   * when releaseWaiters() runs, whichever comes first. New output does not end the wait.
   */
  waitForFinish(task: TaskRecord, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (task.finished || timeoutMs <= 0 || signal?.aborted) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const waiters = this.waiters.get(task.id) ?? new Set<() => void>();
      this.waiters.set(task.id, waiters);
      const release = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', release);
        waiters.delete(release);
        if (waiters.size === 0 && this.waiters.get(task.id) === waiters) {
          this.waiters.delete(task.id);
        }
        resolve();
      };
      const timer = setTimeout(release, timeoutMs);
      signal?.addEventListener('abort', release);
      waiters.add(release);
    });
  }

  /** Number of polls waiting on any task. */
  get waitingPolls(): number {
    let count = 0;
    for (const waiters of this.waiters.values()) {
      count += waiters.size;
    }
    return count;
  }

  /** Ends every waiting poll now, as when the server shuts down. */
  releaseWaiters(): void {
    for (const id of [...this.waiters.keys()]) {
      this.wake(id);
    }
  }

  /**
   * Forgets every task, as a restarted Connect does: later lookups find nothing. Waiting
   * polls are released and expiry timers cancelled.
   */
  forgetAll(): void {
    this.tasks.clear();
    this.dispose();
  }

  /** Releases waiting polls and cancels expiry timers; the store keeps its tasks. */
  dispose(): void {
    this.releaseWaiters();
    for (const timer of this.expiryTimers) {
      clearTimeout(timer);
    }
    this.expiryTimers.clear();
  }

  private wake(taskId: string): void {
    const waiters = this.waiters.get(taskId);
    if (!waiters) {
      return;
    }
    for (const release of [...waiters]) {
      release();
    }
  }
}
