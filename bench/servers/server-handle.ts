/** Starts benchmark server processes and calls them over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemorySample, ServerMessage, ServerMethod, ServerParams } from './server-roles.js';

const ENTRY = fileURLToPath(new URL('./server-process.ts', import.meta.url));
/** Time a closing server process gets before it is killed, in ms. */
const CLOSE_TIMEOUT_MS = 10_000;

export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly apiKey: string | undefined,
  ) {
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'ready') {
        return;
      }
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') {
        call?.resolve(message.value);
      } else {
        call?.reject(new Error(message.message));
      }
    });
    child.on('exit', (code) => {
      for (const call of this.pending.values()) {
        call.reject(new Error(`The benchmark server exited with code ${code} during a call.`));
      }
      this.pending.clear();
    });
  }

  /** Forks a server process and resolves when it listens. */
  static start(params: ServerParams): Promise<ServerProcess> {
    const child = fork(ENTRY, [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.send(params);
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => {
        reject(new Error(`The ${params.role} benchmark server exited with code ${code} before it listened.`));
      };
      child.once('exit', onExit);
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          child.off('exit', onExit);
          resolve(new ServerProcess(child, message.url, message.apiKey));
        }
      });
    });
  }

  call<T>(method: ServerMethod): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, method });
    });
  }

  /** Lets the held renders end; resolves with the epoch ms at which the stand-in finished the task. */
  release(): Promise<number> {
    return this.call('release');
  }

  waitForHeldRender(): Promise<number> {
    return this.call('waitForHeldRender');
  }

  /**
   * Number of requests the server received since it started: API requests for a stand-in,
   * every request for a gateway.
   */
  requestCount(): Promise<number> {
    return this.call('requestCount');
  }

  memory(): Promise<MemorySample> {
    return this.call('memory');
  }

  /** Samples memory after a full garbage collection in the server process. */
  memoryAfterGc(): Promise<MemorySample> {
    return this.call('memoryAfterGc');
  }

  /** Closes the server and waits for its process to exit, killing it after 10 s. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    try {
      await this.call('close');
    } catch {
      // The process exited or failed while closing; the timer ends it if it still runs.
    }
    await exited;
    clearTimeout(timer);
  }
}
