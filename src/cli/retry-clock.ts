import { delay } from './delay.js';
import { CommandError, ExitCode } from './exit-codes.js';
import { RENDER_MAY_RUN } from './wait-failures.js';

/** Wall time from the first failed request until the command gives up waiting, in ms. */
export const GIVE_UP_AFTER_MS = 60_000;

/** Abort reason of a request that the give-up time cut short. */
const GIVE_UP_REASON = Symbol('give up');

/** Returns true when `error` is the abort reason of a request cut short at the give-up time. */
export function isGiveUpAbort(error: unknown): boolean {
  return error === GIVE_UP_REASON;
}

/**
 * Tracks how long requests have been failing. While they fail, each request and pause ends
 * at the give-up time, so a request that hangs cannot stretch the wait past GIVE_UP_AFTER_MS.
 */
export class RetryClock {
  #failingSinceMs: number | null = null;
  #lastReason = '';

  /** `serverName` is "Connect" or "the gateway", for the give-up message. */
  constructor(private readonly serverName: string) {}

  reset(): void {
    this.#failingSinceMs = null;
  }

  /** Runs one request with `signal`, which aborts with the give-up reason at the give-up time. */
  async attempt<T>(request: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    if (this.#failingSinceMs === null) {
      return request(signal);
    }
    const giveUp = new AbortController();
    const timer = setTimeout(() => giveUp.abort(GIVE_UP_REASON), this.#leftMs());
    try {
      return await request(AbortSignal.any([signal, giveUp.signal]));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Records a failed request, then pauses for `pauseMs` or until the give-up time. Throws a
   * CommandError with exit status 3 once the give-up time has come.
   */
  async afterFailure(error: unknown, signal: AbortSignal, pauseMs: number): Promise<void> {
    if (!isGiveUpAbort(error)) {
      this.#lastReason = error instanceof Error ? error.message : String(error);
    }
    this.#failingSinceMs ??= Date.now();
    const leftMs = this.#leftMs();
    if (leftMs <= 0) {
      throw this.#giveUpError();
    }
    await delay(Math.min(pauseMs, leftMs), signal);
    if (this.#leftMs() <= 0) {
      throw this.#giveUpError();
    }
  }

  #leftMs(): number {
    return this.#failingSinceMs === null ? GIVE_UP_AFTER_MS : this.#failingSinceMs + GIVE_UP_AFTER_MS - Date.now();
  }

  #giveUpError(): CommandError {
    return new CommandError(`Stopped waiting because ${this.serverName} kept failing for ` +
      `${GIVE_UP_AFTER_MS / 1000} s: ${this.#lastReason} ${RENDER_MAY_RUN}`, ExitCode.unreachable);
  }
}
