/**
 * Test harness: a real Connect stand-in with reports whose renders the test ends, and the
 * refresh gateway in front of it, both on 127.0.0.1 with free ports. It records every response
 * and log line, so tests can check that neither the API key nor the handle secret appears in
 * any of them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ConnectClient } from '../../src/connect/index.js';
import {
  parseGatewayConfig,
  startGateway,
  type GatewayConfig,
  type GatewayOptions,
} from '../../src/gateway/index.js';
import {
  parseStandInConfig,
  startStandIn,
  type FaultSettings,
  type StandIn,
} from '../../src/stand-in/index.js';
import { LeakScan } from './leak-scan.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * Timeout of each suite that runs servers, in ms. Tests wait for events, so a missing event
 * ends the suite with a failure instead of hanging the run.
 */
export const SERVER_TEST_TIMEOUT_MS = 60_000;

export const SALES_GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
export const QUIET_GUID = '6a3b4c5d-0000-4000-8000-00000000cafe';
export const SHINY_GUID = '6a3b4c5d-0000-4000-8000-00000000dead';
export const FORBIDDEN_GUID = '6a3b4c5d-0000-4000-8000-00000000f00d';
/**
 * A report with the variants `emea` (Connect's default) and `apac`. The control file of each
 * variant's render is `regions-<key>`, so finishRender('regions-apac', …) ends the apac render.
 */
export const REGIONS_GUID = '6a3b4c5d-0000-4000-8000-0000000000e1';
/** A GUID the stand-in does not have. */
export const MISSING_GUID = '6a3b4c5d-0000-4000-8000-000000000404';

/**
 * Reports of the gateway under test: sales and quiet render, shiny is an app, the gateway's
 * key may only view forbidden, and missing does not exist on the stand-in. The rate limits
 * are high, so that only the tests of the limits reach them.
 */
export const GATEWAY_CONFIG: GatewayConfig = parseGatewayConfig({
  rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000 },
  reports: {
    sales: { guid: SALES_GUID, log: 'full' },
    quiet: { guid: QUIET_GUID, log: 'none' },
    shiny: { guid: SHINY_GUID, log: 'full' },
    forbidden: { guid: FORBIDDEN_GUID, log: 'full' },
    missing: { guid: MISSING_GUID, log: 'full' },
  },
});

export interface StandInSwitches {
  v1Render?: boolean;
  missingTaskPolls?: number;
  stickyCookie?: boolean;
  faults?: FaultSettings;
}

export interface GatewayResponse {
  status: number;
  headers: Headers;
  text: string;
  /**
   * The parsed JSON body, or undefined for an empty or non-JSON body. Typed loosely because
   * tests check the wire format field by field.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One parsed pino line. */
export type LogEntry = Record<string, unknown> & { req?: { url?: string } };

/** The pino lines a gateway wrote, collected through a stream. */
export class LogCapture {
  readonly lines: string[] = [];
  private readonly events = new EventEmitter();
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') {
          this.lines.push(line);
          this.events.emit('line', JSON.parse(line));
        }
      }
      callback();
    },
  });

  /** Resolves with the first entry, already written or still to come, that matches. */
  waitFor(matches: (entry: LogEntry) => boolean): Promise<LogEntry> {
    const found = this.lines.map((line) => JSON.parse(line)).find(matches);
    if (found !== undefined) {
      return Promise.resolve(found);
    }
    return new Promise((resolve) => {
      const onLine = (entry: LogEntry) => {
        if (matches(entry)) {
          this.events.off('line', onLine);
          resolve(entry);
        }
      };
      this.events.on('line', onLine);
    });
  }

  /** Returns the parsed entries with `msg` equal to `message`. */
  entries(message: string): LogEntry[] {
    return this.lines
      .map((line) => JSON.parse(line) as LogEntry)
      .filter((entry) => entry.msg === message);
  }
}

export interface Harness {
  /** The gateway's URL; it changes when `restartGateway` runs. */
  readonly gatewayUrl: string;
  standInUrl: string;
  /** The stand-in itself, for its faults and restarts. */
  standIn: StandIn;
  apiKey: string;
  /** The secret that signs the gateway's render handles. */
  handleSecret: string;
  logs: LogCapture;
  /** Every response body and header the gateway sent, for the secret checks. */
  scan: LeakScan;
  /** A Connect client with the gateway's key, for looking at the stand-in's state. */
  connect: ConnectClient;
  /** Sends a request to the gateway and records the response. */
  request(path: string, init?: RequestInit): Promise<GatewayResponse>;
  /** Sends `POST /v1/reports/{name}/refresh` with `{}` and a JSON content type. */
  refresh(name: string): Promise<GatewayResponse>;
  /**
   * Ends the running render of that stand-in report with these lines and exit code:
   * `sales`, `quiet`, or `regions-<variant key>`.
   */
  finishRender(name: string, lines: string[], exitCode: number): Promise<void>;
  /** Long-polls the render until its state is not `running`, and returns the last response. */
  awaitOutcome(handle: string): Promise<GatewayResponse>;
  /**
   * Asserts that no recorded response body, header or log line contains the API key or the
   * handle secret, also URL-encoded, in base64 or in hex.
   */
  assertNoSecretsShown(): void;
  /** Closes the gateway only; `close()` closes the rest. */
  closeGateway(): Promise<void>;
  /**
   * Closes the gateway and starts a new one with the same options and handle secret, on a
   * new port, while the stand-in and its renders keep running. `whileDown` runs in between.
   */
  restartGateway(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  standIn?: StandInSwitches;
  gateway?: Partial<
    Pick<
      GatewayOptions,
      | 'taskGraceMs'
      | 'maxHeldRequests'
      | 'handleSecret'
      | 'jobPollMs'
      | 'env'
      | 'fetch'
      | 'retry'
      | 'sharedPollMs'
      | 'checkConnectAtStart'
    >
  >;
  /** The gateway's config; by default GATEWAY_CONFIG. */
  config?: GatewayConfig;
  /** Point the gateway at this server instead of the stand-in (for an unreachable Connect). */
  connectServer?: string;
  /** The key the gateway sends; by default the stand-in user's key. */
  gatewayApiKey?: string;
}

function standInConfig(apiKey: string, controlDir: string) {
  const renderCommand = (name: string) => [
    process.execPath,
    'render.mjs',
    join(controlDir, `${name}.json`),
  ];
  const report = (guid: string, name: string, title: string | null) => ({
    guid,
    name,
    title,
    description: '',
    app_mode: 'quarto-static',
    access_type: 'acl',
    source: 'report',
    command: renderCommand(name),
    permissions: { publisher: 'owner' },
  });
  return {
    users: [
      { username: 'publisher', api_key: apiKey, role: 'publisher' },
      { username: 'other', api_key: `other-${apiKey}`, role: 'publisher' },
    ],
    content: [
      report(SALES_GUID, 'sales', 'Sales by region'),
      report(QUIET_GUID, 'quiet', null),
      {
        ...report(REGIONS_GUID, 'regions', 'Orders by region'),
        command: renderCommand('regions-{variant}'),
        variants: [{ key: 'emea', default: true }, { key: 'apac' }],
      },
      {
        guid: SHINY_GUID,
        name: 'explorer',
        title: 'Explorer',
        description: '',
        app_mode: 'shiny',
        access_type: 'acl',
        permissions: { publisher: 'owner' },
      },
      // Signed-in users may view it, so the gateway's key reads it as a viewer but may not
      // render it.
      {
        ...report(FORBIDDEN_GUID, 'forbidden', 'Not ours'),
        access_type: 'logged_in',
        permissions: { other: 'owner' },
      },
    ],
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const apiKey = `gw-test-key-${randomBytes(12).toString('hex')}`;
  const controlDir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  const standIn = await startStandIn({
    config: parseStandInConfig(standInConfig(apiKey, controlDir)),
    configDir: fixturesDir,
    host: '127.0.0.1',
    port: 0,
    ...options.standIn,
  });
  const logs = new LogCapture();
  const gatewayKey = options.gatewayApiKey ?? apiKey;
  const handleSecret = options.gateway?.handleSecret ?? randomBytes(36).toString('base64');
  const launchGateway = () =>
    startGateway({
      config: options.config ?? GATEWAY_CONFIG,
      connect: { server: options.connectServer ?? standIn.url, apiKey: gatewayKey },
      logger: { level: 'trace', stream: logs.stream },
      host: '127.0.0.1',
      port: 0,
      ...options.gateway,
      handleSecret,
    });
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await launchGateway();
  } catch (error) {
    await standIn.close();
    throw error;
  }

  const scan = new LeakScan();
  const request = async (path: string, init?: RequestInit): Promise<GatewayResponse> => {
    const fetched = await fetch(`${gateway.url}${path}`, init);
    const text = await fetched.text();
    scan.recordResponse(text, fetched.headers);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: fetched.status, headers: fetched.headers, text, body };
  };

  return {
    get gatewayUrl() {
      return gateway.url;
    },
    standInUrl: standIn.url,
    standIn,
    apiKey,
    handleSecret,
    logs,
    scan,
    connect: new ConnectClient({ server: standIn.url, apiKey }),
    request,
    refresh: (name) =>
      request(`/v1/reports/${name}/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    async finishRender(name, lines, exitCode) {
      const path = join(controlDir, `${name}.json`);
      // Written under another name first, because the render reads the file once it exists.
      await writeFile(`${path}.tmp`, JSON.stringify({ lines, exitCode }));
      await rename(`${path}.tmp`, path);
    },
    async awaitOutcome(handle) {
      for (;;) {
        const response = await request(`/v1/renders/${handle}?wait=30`);
        assert.equal(response.status, 200, response.text);
        if (response.body.state !== 'running') {
          return response;
        }
      }
    },
    assertNoSecretsShown() {
      scan.assertAbsent({ 'API key': gatewayKey, 'handle secret': handleSecret }, logs.lines);
    },
    closeGateway: () => gateway.close(),
    async restartGateway(whileDown) {
      await gateway.close();
      await whileDown?.();
      gateway = await launchGateway();
    },
    async close() {
      await gateway.close();
      await standIn.close();
      await rm(controlDir, { recursive: true, force: true });
    },
  };
}

/** Returns a URL on 127.0.0.1 where nothing listens: a port freed right after binding it. */
export async function unusedLocalUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') {
    throw new Error('The probe server has no TCP address.');
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}`;
}
