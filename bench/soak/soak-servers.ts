/**
 * The servers of a soak run on 127.0.0.1: a Connect stand-in in this process, whose renders
 * are Node scripts that take a few seconds, and the gateway in a child process, so that its
 * memory samples measure the gateway alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseStandInConfig, startStandIn, type StandIn } from '../../src/stand-in/index.js';
import type { ChildMessage, ParentMessage } from './gateway-child.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const childEntry = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));

export const USER_HEADER = 'X-Forwarded-User';
/** Seconds after a successful render of the report `cooldown` during which refreshes get 429. */
export const COOLDOWN_S = 60;

/** A report of the soak with the range of its render times and its share of failed renders. */
export interface SoakReport {
  name: string;
  guid: string;
  minMs: number;
  maxMs: number;
  failPercent: number;
  cooldownS: number;
}

/** Eight reports whose renders take from 2 to 36 seconds. One of them has a cooldown. */
export const SOAK_REPORTS: readonly SoakReport[] = Array.from({ length: 8 }, (_, index) => ({
  name: index === 7 ? 'cooldown' : `report-${index + 1}`,
  guid: `6a3b4c5d-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
  minMs: 2000 + index * 1000,
  maxMs: 8000 + index * 4000,
  failPercent: index % 3 === 0 ? 10 : 0,
  cooldownS: index === 7 ? COOLDOWN_S : 0,
}));

export interface MemorySample {
  /** Milliseconds since the soak started. */
  atMs: number;
  rssBytes: number;
  /** Heap in use right after a full garbage collection. */
  heapUsedBytes: number;
}

export interface GatewayLogCounts {
  /** Renders the gateway started ("Render started" lines). */
  rendersStarted: number;
  /** Lines at warn level or above, by message. */
  warnings: Map<string, number>;
  errors: Map<string, number>;
  /** The first error lines, for the report. */
  errorExamples: string[];
}

export interface SoakServers {
  standIn: StandIn;
  gatewayUrl: string;
  /** Renders the stand-in started. */
  readonly standInRenders: number;
  logs: GatewayLogCounts;
  /** Resolves with the gateway's memory after a full garbage collection. */
  sampleMemory(atMs: number): Promise<MemorySample>;
  /** Set when the gateway exited before `close()`. */
  readonly gatewayExit: string | null;
  close(): Promise<void>;
}

export async function startSoakServers(): Promise<SoakServers> {
  const apiKey = randomBytes(24).toString('base64url');
  const workDir = await mkdtemp(join(tmpdir(), 'gateway-soak-'));
  let standInRenders = 0;
  const standInLog = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      standInRenders += chunk.toString('utf8').split('"render started"').length - 1;
      callback();
    },
  });
  const standIn = await startStandIn({
    config: parseStandInConfig(standInConfig(apiKey)),
    configDir: fixturesDir,
    host: '127.0.0.1',
    port: 0,
    logger: { level: 'info', stream: standInLog },
  });

  const configFile = join(workDir, 'gateway.json');
  await writeFile(configFile, JSON.stringify(gatewayConfig()));
  const child = fork(childEntry, [configFile], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { PATH: process.env.PATH ?? '', CONNECT_SERVER: standIn.url, CONNECT_API_KEY: apiKey },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const logs: GatewayLogCounts = { rendersStarted: 0, warnings: new Map(), errors: new Map(), errorExamples: [] };
  createInterface({ input: child.stdout! }).on('line', (line) => countLogLine(line, logs));
  let gatewayExit: string | null = null;
  let closing = false;
  child.once('exit', (code, signal) => {
    if (!closing) {
      gatewayExit = `code ${code}, signal ${signal}`;
    }
  });

  let gatewayUrl: string;
  try {
    gatewayUrl = await waitForListening(child);
  } catch (error) {
    child.kill('SIGKILL');
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }

  let nextId = 0;
  return {
    standIn,
    gatewayUrl,
    get standInRenders() {
      return standInRenders;
    },
    logs,
    sampleMemory: (atMs) => requestMemory(child, (nextId += 1), atMs),
    get gatewayExit() {
      return gatewayExit;
    },
    async close() {
      closing = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.send({ type: 'stop' } satisfies ParentMessage);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await standIn.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

function standInConfig(apiKey: string) {
  return {
    users: [{ username: 'publisher', api_key: apiKey, role: 'publisher' }],
    content: SOAK_REPORTS.map((report) => ({
      guid: report.guid,
      name: report.name,
      title: `Soak ${report.name}`,
      description: '',
      app_mode: 'rmd-static',
      access_type: 'acl',
      source: 'soak-report',
      command: [process.execPath, 'render.mjs', String(report.minMs), String(report.maxMs), String(report.failPercent)],
      permissions: { publisher: 'owner' },
    })),
  };
}

/**
 * Returns the gateway config. Every client is a user that the trusted proxy names, so each
 * has its own rate limits.
 */
function gatewayConfig() {
  return {
    auth: { anonymous: false, proxy: { user_header: USER_HEADER, trusted_proxies: ['127.0.0.1'] } },
    reports: Object.fromEntries(SOAK_REPORTS.map((report) => [
      report.name,
      { guid: report.guid, log: 'full', cooldown_s: report.cooldownS },
    ])),
  };
}

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The gateway did not listen within 30 s.')), 30_000);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The gateway exited with code ${code}, signal ${signal}, before listening.`));
    });
  });
}

function requestMemory(child: ChildProcess, id: number, atMs: number): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('The gateway did not report its memory within 10 s.'));
    }, 10_000);
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'memory' && message.id === id) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve({ atMs, rssBytes: message.usage.rss, heapUsedBytes: message.usage.heapUsed });
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'memory', id } satisfies ParentMessage);
  });
}

function countLogLine(line: string, logs: GatewayLogCounts): void {
  let entry: { level?: number; msg?: string };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    logs.errors.set('line that is not JSON', (logs.errors.get('line that is not JSON') ?? 0) + 1);
    return;
  }
  const message = entry.msg ?? '(no message)';
  if (message === 'Render started') {
    logs.rendersStarted += 1;
  }
  const level = entry.level ?? 0;
  if (level >= 50) {
    logs.errors.set(message, (logs.errors.get(message) ?? 0) + 1);
    if (logs.errorExamples.length < 5) {
      logs.errorExamples.push(line.slice(0, 600));
    }
  } else if (level >= 40) {
    logs.warnings.set(message, (logs.warnings.get(message) ?? 0) + 1);
  }
}
