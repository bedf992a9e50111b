/**
 * Renders that the benchmark ends: the stand-in's render command is a Node script that prints a
 * log line at a fixed interval and exits only when the benchmark releases it. The script waits
 * on an HTTP request to a control server, so the release reaches it at once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskStore } from '../../src/stand-in/task-store.js';
import { epochMs } from './clock.js';

/** File name of the render script in the content's source folder. */
export const RENDER_SCRIPT = 'held-render.mjs';

const SCRIPT = `// Prints "step N" every INTERVAL ms (none when 0) until the control URL responds, then exits 0.
const [controlUrl, intervalText] = process.argv.slice(2);
const intervalMs = Number(intervalText);
let step = 0;
console.log('processing file: held-render');
const timer = intervalMs > 0 ? setInterval(() => console.log('step ' + ++step), intervalMs) : undefined;
const response = await fetch(controlUrl);
await response.text();
clearInterval(timer);
console.log('Output created: index.html');
`;

/** Writes the render script into `dir`. */
export async function writeRenderScript(dir: string): Promise<void> {
  await writeFile(join(dir, RENDER_SCRIPT), SCRIPT);
}

/**
 * The control server of held renders, and the times at which the stand-in marked tasks
 * finished. It wraps TaskStore.prototype.finish, which the stand-in in the same process calls,
 * so the benchmark needs no change to the stand-in.
 */
export class RenderControl {
  private readonly server: Server;
  private readonly held: Array<{ response: ServerResponse; heldAtMs: number }> = [];
  private readonly holdWaiters: Array<(heldAtMs: number) => void> = [];
  private readonly finishWaiters: Array<(finishedAtMs: number) => void> = [];
  private url = '';

  constructor() {
    this.server = createServer((request, response) => this.hold(request, response));
    const finishWaiters = this.finishWaiters;
    const finish = TaskStore.prototype.finish;
    TaskStore.prototype.finish = function finishAndRecord(this: TaskStore, task, code, error) {
      const finishedAtMs = epochMs();
      const first = !task.finished;
      finish.call(this, task, code, error);
      if (first) {
        finishWaiters.splice(0).forEach((resolve) => resolve(finishedAtMs));
      }
    };
  }

  /** Starts the control server; returns the URL that the render script requests. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/hold`;
    return this.url;
  }

  /** The HTTP server, so that request counts can leave it out. */
  get httpServer(): Server {
    return this.server;
  }

  /** Resolves with the time at which a render script started waiting, at once if one waits. */
  waitForHeldRender(): Promise<number> {
    const first = this.held[0];
    if (first !== undefined) {
      return Promise.resolve(first.heldAtMs);
    }
    return new Promise((resolve) => this.holdWaiters.push(resolve));
  }

  /**
   * Lets every held render script exit, then resolves with the time at which the stand-in
   * marked the next task finished. Rejects when no render is held.
   */
  release(): Promise<number> {
    if (this.held.length === 0) {
      return Promise.reject(new Error('No render is waiting to be released; start one first.'));
    }
    const finished = new Promise<number>((resolve) => this.finishWaiters.push(resolve));
    for (const { response } of this.held.splice(0)) {
      response.end('released');
    }
    return finished;
  }

  async close(): Promise<void> {
    for (const { response } of this.held.splice(0)) {
      response.end('closing');
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private hold(_request: IncomingMessage, response: ServerResponse): void {
    const heldAtMs = epochMs();
    this.held.push({ response, heldAtMs });
    this.holdWaiters.splice(0).forEach((resolve) => resolve(heldAtMs));
  }
}
