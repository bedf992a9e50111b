import type { RenderProgress } from '../protocol/index.js';
import type { AuthorizedGateway } from './authorized-gateway.js';
import { POLL_WAIT_SECONDS, pollRender } from './render-poll.js';

/** One call shared by callers with their own signals, aborted when the last caller aborts. */
export class SharedCall<T> {
  readonly result: Promise<T>;
  private readonly controller = new AbortController();
  private callers = 0;

  /** `onAbandon` runs when the last caller aborted, even if the call never settles. */
  constructor(call: (signal: AbortSignal) => Promise<T>, private readonly onAbandon: () => void) {
    this.result = call(this.controller.signal);
    // Callers see the outcome through attach. This handler keeps an abandoned call's rejection
    // from being reported as unhandled.
    this.result.catch(() => undefined);
  }

  attach(signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }

      this.callers += 1;
      const onAbort = () => {
        reject(signal.reason);
        this.detach();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.then(resolve, reject).finally(() => {
        signal.removeEventListener('abort', onAbort);
      });
    });
  }

  private detach(): void {
    this.callers -= 1;

    if (this.callers === 0) {
      this.controller.abort(new DOMException('Every caller left.', 'AbortError'));
      this.onAbandon();
    }
  }
}

interface Watcher {
  onProgress(progress: RenderProgress): void;
  /** Takes an error that the poll retries, at which the watcher may leave. */
  onRetry(error: unknown): void;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * One long poll of a render whose responses go to every watcher. The poll is aborted when the
 * last watcher left. Its first request requests a hold of `firstWaitSeconds` (see pollRender).
 */
export class SharedPoll {
  private readonly controller = new AbortController();
  private readonly watchers = new Set<Watcher>();
  private readonly responses: RenderProgress[] = [];

  constructor(
    gateway: AuthorizedGateway,
    handle: string,
    private readonly onEnd: () => void,
    firstWaitSeconds = POLL_WAIT_SECONDS,
  ) {
    void this.run(gateway, handle, firstWaitSeconds);
  }

  /**
   * Calls `onProgress` with every response, earlier ones first, and resolves after the one that
   * ends the render. `onRetry` gets each error that the poll retries. Rejects with the poll's
   * error, with the signal's reason on abort, or with a retried error for which `onRetry`
   * returned true.
   */
  watch(
    signal: AbortSignal,
    onProgress: (progress: RenderProgress) => void,
    onRetry: (error: unknown) => boolean = () => false,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }

      const leave = (reason: unknown) => {
        this.watchers.delete(watcher);
        reject(reason);

        if (this.watchers.size === 0) {
          this.controller.abort(new DOMException('Every follower left.', 'AbortError'));
          this.onEnd();
        }
      };
      const onAbort = () => leave(signal.reason);
      const settle = () => signal.removeEventListener('abort', onAbort);
      const watcher: Watcher = {
        onProgress,
        onRetry: (error) => {
          if (onRetry(error)) {
            settle();
            leave(error);
          }
        },
        resolve: () => {
          settle();
          resolve();
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.responses.forEach((progress) => onProgress(progress));
      this.watchers.add(watcher);
    });
  }

  private async run(
    gateway: AuthorizedGateway,
    handle: string,
    firstWaitSeconds: number,
  ): Promise<void> {
    try {
      const { signal } = this.controller;
      const onRetry = (error: unknown) => {
        [...this.watchers].forEach((watcher) => watcher.onRetry(error));
      };

      for await (const progress of pollRender(gateway, handle, signal, onRetry, firstWaitSeconds)) {
        this.responses.push(progress);
        [...this.watchers].forEach((watcher) => watcher.onProgress(progress));
      }

      [...this.watchers].forEach((watcher) => watcher.resolve());
    } catch (error) {
      [...this.watchers].forEach((watcher) => watcher.reject(error));
    } finally {
      this.watchers.clear();
      this.onEnd();
    }
  }
}
