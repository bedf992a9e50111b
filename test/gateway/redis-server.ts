/**
 * A private redis-server for one test file: Debian's `redis-server` on a Unix socket in a
 * temporary folder, with no TCP port and no persistence. Tests can stop and start it again
 * on the same socket to act out an outage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** Maximum time for redis-server to report that it accepts connections, in ms. */
const START_TIMEOUT_MS = 10_000;

export interface RedisServer {
  /** `unix://` URL of the socket, for the gateway's `redis.url`. */
  readonly url: string;
  readonly socketPath: string;
  /** Connects a client for checks and for changing keys behind the gateway's back. */
  client(): Redis;
  /** Stops the server; its data is gone, because it keeps none on disk. */
  stop(): Promise<void>;
  /** Starts the server again on the same socket, empty, after `stop`. */
  start(): Promise<void>;
  /** Stops the process with SIGSTOP, so that connections stay open and commands hang. */
  pause(): void;
  /** Lets a paused process go on with SIGCONT. */
  resume(): void;
  /** Stops the server, closes the clients and removes the folder. */
  close(): Promise<void>;
}

export async function startRedisServer(password?: string): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-test-'));
  const socketPath = join(dir, 'redis.sock');
  const clients: Redis[] = [];
  let child: ChildProcess | undefined;

  const start = async () => {
    const args = [
      '--port', '0',
      '--unixsocket', socketPath,
      '--unixsocketperm', '700',
      '--dir', dir,
      '--save', '',
      '--appendonly', 'no',
      ...(password === undefined ? [] : ['--requirepass', password]),
    ];
    const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
      }, START_TIMEOUT_MS);
      server.stdout!.on('data', (chunk) => {
        output += chunk;
        // "Ready to accept connections" with a TCP port, "ready to accept connections at …" without.
        if (/ready to accept connections/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.stderr!.on('data', (chunk) => (output += chunk));
      server.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`redis-server could not run (install the Debian package redis-server): ${error.message}`));
      });
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
      });
    });
  };

  const stop = async () => {
    const server = child;
    child = undefined;
    if (server === undefined || server.exitCode !== null) {
      return;
    }
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  };

  try {
    await start();
  } catch (error) {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `unix://${socketPath}`,
    socketPath,
    client() {
      const client = new Redis({ path: socketPath, password, maxRetriesPerRequest: 1 });
      // Reconnection errors are expected while a test has stopped the server.
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    stop,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async close() {
      child?.kill('SIGCONT');
      for (const client of clients) {
        client.disconnect();
      }
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
