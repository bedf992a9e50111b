/**
 * Test helpers: a stand-in on 127.0.0.1 with a free port, users of every role, content whose
 * render runs fixtures/render-script.mjs with the steps a test gives, and request helpers.
 */
import { existsSync, readFileSync, watch } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  parseStandInConfig,
  startStandIn,
  type StandIn,
  type StandInOptions,
} from '../../src/stand-in/index.js';

export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const connectFixturesDir = fileURLToPath(
  new URL('../../../shared/connect-fixtures/', import.meta.url),
);
const renderScript = join(fixturesDir, 'render-script.mjs');

export const REPORT_GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
export const PUBLIC_GUID = '6a3b4c5d-0000-4000-8000-0000000000a1';
export const SHINY_GUID = '6a3b4c5d-0000-4000-8000-00000000dead';
export const PRIVATE_GUID = '6a3b4c5d-0000-4000-8000-00000000f00d';
export const UNKNOWN_GUID = '6a3b4c5d-0000-4000-8000-000000000000';

export const KEYS = {
  publisher: 'test-publisher-key-0001',
  editor: 'test-editor-key-0002',
  viewer: 'test-viewer-key-0003',
  admin: 'test-admin-key-0004',
  colleague: 'test-colleague-key-0005',
} as const;

export type UserName = keyof typeof KEYS;

/** Returns a render command that runs the scripted render with these steps. */
export function scriptedCommand(steps: string[]): string[] {
  return [process.execPath, renderScript, ...steps];
}

/**
 * Builds a validated config. The report (acl) has an owner, an editor and a viewer. The
 * public report has access type `all`. The shiny app cannot be rendered. The private report
 * belongs to a colleague, so the other users cannot see it.
 */
export function testConfig(reportCommand: string[]) {
  return parseStandInConfig({
    users: [
      { username: 'publisher', api_key: KEYS.publisher, role: 'publisher' },
      { username: 'editor', api_key: KEYS.editor, role: 'publisher' },
      { username: 'viewer', api_key: KEYS.viewer, role: 'viewer' },
      { username: 'admin', api_key: KEYS.admin, role: 'administrator' },
      { username: 'colleague', api_key: KEYS.colleague, role: 'publisher' },
    ],
    content: [
      {
        guid: REPORT_GUID, name: 'sales-summary', title: 'Sales summary', app_mode: 'rmd-static',
        access_type: 'acl', source: 'source', command: reportCommand,
        permissions: { publisher: 'owner', editor: 'editor', viewer: 'viewer' },
      },
      {
        guid: PUBLIC_GUID, name: 'public-report', title: 'Public report',
        app_mode: 'quarto-static', access_type: 'all', source: 'source',
        command: scriptedCommand(['write:index.html=public']), permissions: { publisher: 'owner' },
      },
      {
        guid: SHINY_GUID, name: 'explorer', title: 'Explorer', app_mode: 'shiny',
        access_type: 'acl', permissions: { publisher: 'owner', viewer: 'viewer' },
      },
      {
        guid: PRIVATE_GUID, name: 'private-report', title: 'Private', app_mode: 'rmd-static',
        access_type: 'acl', source: 'source', command: scriptedCommand(['exit:0']),
        permissions: { colleague: 'owner' },
      },
    ],
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON; tests check it field by field. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  /** Whose API key to send; none when undefined. */
  as?: UserName;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Pino lines written by the stand-in, with a way to wait for one. */
export class LogCapture {
  private readonly entries: Array<Record<string, unknown>> = [];
  private readonly listeners = new Set<() => void>();
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        this.entries.push(JSON.parse(line) as Record<string, unknown>);
      }
      this.listeners.forEach((listener) => listener());
      callback();
    },
  });

  /** Resolves with the first entry, past or future, whose msg is `message`. */
  waitFor(message: string, match: (entry: Record<string, unknown>) => boolean = () => true) {
    return new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const found = this.entries.find((entry) => entry.msg === message && match(entry));
        if (found) {
          this.listeners.delete(check);
          resolve(found);
        }
      };
      this.listeners.add(check);
      check();
    });
  }
}

export interface TestStandIn {
  standIn: StandIn;
  url: string;
  logs: LogCapture;
  /** Folder for files the test and the render scripts exchange. */
  workDir: string;
  request(path: string, options?: RequestOptions): Promise<Answer>;
  close(): Promise<void>;
}

export async function sendRequest(url: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) {
    headers.authorization = `Key ${KEYS[options.as]}`;
  }
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body,
    signal: options.signal,
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

export interface TestOptions extends Partial<StandInOptions> {
  /** Command of the report in place of the scripted render. */
  reportCommand?: string[];
}

/**
 * Starts a stand-in whose report render runs the scripted render with `reportSteps`. Pass a
 * function to build the steps from the test's work folder.
 */
export async function startTestStandIn(
  reportSteps: string[] | ((workDir: string) => string[]) = ['write:index.html=<p>report</p>'],
  { reportCommand, ...options }: TestOptions = {},
): Promise<TestStandIn> {
  const workDir = await mkdtemp(join(tmpdir(), 'stand-in-test-'));
  const steps = typeof reportSteps === 'function' ? reportSteps(workDir) : reportSteps;
  const logs = new LogCapture();
  const standIn = await startStandIn({
    config: testConfig(reportCommand ?? scriptedCommand(steps)),
    configDir: fixturesDir,
    stateDir: join(workDir, 'state'),
    host: '127.0.0.1',
    port: 0,
    logger: { level: 'debug', stream: logs.stream },
    ...options,
  });
  return {
    standIn,
    url: standIn.url,
    logs,
    workDir,
    request: (path, requestOptions) => sendRequest(`${standIn.url}${path}`, requestOptions),
    close: async () => {
      await standIn.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `path` exists, watching its folder instead of polling. */
export function waitForFile(path: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dirname(path), (_event, name) => {
      if ((name === null || name === basename(path)) && existsSync(path)) {
        watcher.close();
        resolve();
      }
    });
    if (existsSync(path)) {
      watcher.close();
      resolve();
    }
  });
}

/** Creates the file a `wait-for:` step waits on, which lets that render go on. */
export async function release(path: string): Promise<void> {
  await writeFile(path, 'go');
}

/** Reads the pids that a `ready:` step wrote, once it exists. */
export async function readReady(path: string): Promise<{ pid: number; grandchildPid: number }> {
  await waitForFile(path);
  return JSON.parse(await readFile(path, 'utf8')) as { pid: number; grandchildPid: number };
}

/** Polls the task with `wait=20` until it finishes, and returns the last response. */
export async function awaitTask(test: TestStandIn, taskId: string): Promise<Answer> {
  for (;;) {
    const answer = await test.request(`/__api__/v1/tasks/${taskId}?wait=20`, { as: 'publisher' });
    if (answer.status !== 200 || answer.body.finished) {
      return answer;
    }
  }
}

/** Starts a v1 render of the report as the publisher and returns its task id. */
export async function startReportRender(test: TestStandIn, guid = REPORT_GUID): Promise<string> {
  const answer = await test.request(`/__api__/v1/content/${guid}/render`, {
    as: 'publisher', method: 'POST', body: '{}',
  });
  if (answer.status !== 202) {
    throw new Error(`render of ${guid} answered ${answer.status}: ${answer.text}`);
  }
  return answer.body.task_id as string;
}

/**
 * Tells whether a process with this pid is running, from Linux /proc. A zombie counts as ended:
 * it has exited, but stays in the process table where init does not reap orphans.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
