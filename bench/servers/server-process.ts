/**
 * Entry of a benchmark server process: a Connect stand-in with held renders, a gateway, or the
 * pass-through proxy, chosen by the parameters in the first IPC message. Parameters come over IPC
 * rather than argv because they carry the stand-in's API key. Each runs in its own process so
 * that its memory and CPU use are measured apart from the load generator's. It sends `ready` with its URL
 * over IPC and then handles the calls in server-roles.ts.
 */
import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayConfig, startGateway } from '../../src/gateway/index.js';
import { parseStandInConfig, startStandIn } from '../../src/stand-in/index.js';
import { RENDER_SCRIPT, RenderControl, writeRenderScript } from './held-render.js';
import { startPassThroughProxy } from './pass-through-proxy.js';
import {
  BENCH_GATEWAY_LIMITS,
  DIRECT_REPORT_GUID,
  REPORT_GUID,
  REPORT_NAME,
  type MemorySample,
  type ServerCall,
  type ServerMessage,
  type ServerParams,
} from './server-roles.js';

type Handlers = Partial<Record<ServerCall['method'], () => Promise<unknown>>>;

function send(message: ServerMessage, sent?: () => void): void {
  process.send!(message, undefined, {}, () => sent?.());
}

function sampleMemory(): MemorySample {
  const usage = process.memoryUsage();
  return { heapUsedBytes: usage.heapUsed, rssBytes: usage.rss };
}

/** Samples memory after a full garbage collection, so that samples compare live memory. */
function sampleMemoryAfterGc(): MemorySample {
  if (globalThis.gc === undefined) {
    throw new Error('The server process runs without --expose-gc, so it cannot collect garbage before a sample.');
  }
  globalThis.gc();
  return sampleMemory();
}

/** Counts the HTTP requests that servers of this process receive and `counts` accepts. */
function countRequests(counts: (server: Server, request: IncomingMessage) => boolean): { count: number } {
  const counter = { count: 0 };
  diagnosticsChannel.subscribe('http.server.request.start', (message) => {
    const { server, request } = message as { server: Server; request: IncomingMessage };
    if (counts(server, request)) {
      counter.count += 1;
    }
  });
  return counter;
}

async function startStandInRole(renderLineIntervalMs: number): Promise<Handlers> {
  const apiKey = randomBytes(24).toString('base64url');
  const dir = await mkdtemp(join(tmpdir(), 'bench-stand-in-'));
  await writeRenderScript(dir);
  const control = new RenderControl();
  const controlUrl = await control.listen();

  // Counts the API requests that reach the stand-in, which are the calls Connect would get.
  const apiRequests = countRequests((server, request) =>
    server !== control.httpServer && request.url?.startsWith('/__api__/') === true);

  const command = [process.execPath, RENDER_SCRIPT, controlUrl, String(renderLineIntervalMs)];
  const report = (guid: string, name: string) => ({
    guid,
    name,
    title: name,
    app_mode: 'rmd-static',
    source: '.',
    command,
    permissions: { publisher: 'owner' },
  });
  const standIn = await startStandIn({
    config: parseStandInConfig({
      users: [{ username: 'publisher', api_key: apiKey, role: 'publisher' }],
      content: [report(REPORT_GUID, REPORT_NAME), report(DIRECT_REPORT_GUID, `${REPORT_NAME}-direct`)],
    }),
    configDir: dir,
    port: 0,
  });
  send({ type: 'ready', url: standIn.url, apiKey });

  return {
    release: () => control.release(),
    waitForHeldRender: () => control.waitForHeldRender(),
    requestCount: async () => apiRequests.count,
    memory: async () => sampleMemory(),
    memoryAfterGc: async () => sampleMemoryAfterGc(),
    close: async () => {
      await control.close();
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startGatewayRole(params: Extract<ServerParams, { role: 'gateway' }>): Promise<Handlers> {
  // Every request counts, CORS preflights too, because each costs the gateway and the network.
  const requests = countRequests(() => true);
  const gateway = await startGateway({
    config: parseGatewayConfig({
      cors: { origins: params.corsOrigins },
      rate_limit: {
        refresh_per_minute: BENCH_GATEWAY_LIMITS.refreshPerMinute,
        reads_per_minute: BENCH_GATEWAY_LIMITS.readsPerMinute,
      },
      reports: { [REPORT_NAME]: { guid: REPORT_GUID, log: params.log } },
    }),
    connect: { server: params.standInUrl, apiKey: params.apiKey },
    maxHeldRequests: BENCH_GATEWAY_LIMITS.maxHeldRequests,
    port: 0,
  });
  send({ type: 'ready', url: gateway.url });
  return {
    requestCount: async () => requests.count,
    memory: async () => sampleMemory(),
    memoryAfterGc: async () => sampleMemoryAfterGc(),
    close: () => gateway.close(),
  };
}

async function startProxyRole(params: Extract<ServerParams, { role: 'proxy' }>): Promise<Handlers> {
  const proxy = await startPassThroughProxy(params.standInUrl, params.apiKey);
  send({ type: 'ready', url: proxy.url });
  return { memory: async () => sampleMemory(), close: () => proxy.close() };
}

async function main(params: ServerParams): Promise<void> {
  let handlers: Handlers;
  if (params.role === 'stand-in') {
    handlers = await startStandInRole(params.renderLineIntervalMs);
  } else if (params.role === 'gateway') {
    handlers = await startGatewayRole(params);
  } else if (params.role === 'proxy') {
    handlers = await startProxyRole(params);
  } else {
    throw new Error(`Unknown server role ${JSON.stringify((params as { role?: unknown }).role)}; expected stand-in, gateway or proxy.`);
  }

  process.on('message', (call: ServerCall) => {
    const handler = handlers[call.method];
    if (handler === undefined) {
      send({ type: 'error', id: call.id, message: `${params.role} has no method ${call.method}.` });
      return;
    }
    handler().then(
      (value) => {
        // Keep-alive sockets of the Connect client may keep the process up after close.
        const exitAfterClose = call.method === 'close' ? () => process.exit(0) : undefined;
        send({ type: 'result', id: call.id, value: value ?? null }, exitAfterClose);
      },
      (error: unknown) => send({ type: 'error', id: call.id, message: String(error) }),
    );
  });
}

process.once('message', (params: ServerParams) => {
  main(params).catch((error: unknown) => {
    console.error('Benchmark server failed to start:', error);
    process.exit(1);
  });
});
