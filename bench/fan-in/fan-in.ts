/**
 * Fan-in: 1, 10, 100 and 1,000 clients follow one render, through the gateway and through a
 * plain pass-through proxy. The stand-in counts the API calls it gets, which are the calls
 * that Connect would get.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { describeMachine } from '../machine.js';
import { ServerProcess } from '../servers/server-handle.js';
import { formatCount, formatRatio, markdownTable, seededRandom, verdict } from '../stats.js';
import {
  followThroughGateway,
  followThroughProxy,
  PROXY_POLL_INTERVAL_MS,
  refreshThroughGateway,
  renderThroughProxy,
} from './clients.js';

const CLIENT_COUNTS = [1, 10, 100, 1000];
/**
 * How long the render runs once every client follows it: the window in which upstream calls
 * per minute are counted. The gateway polls Connect about once a second, so its window must
 * be long for a ratio near 1.1 to mean something. The proxy's counts grow with the clients by
 * orders of magnitude, and its shorter window keeps 1,000 polling clients from taking minutes.
 */
const GATEWAY_WINDOW_MS = 10_000;
const PROXY_WINDOW_MS = 6_000;
const RENDER_LINE_INTERVAL_MS = 1000;
const TARGET_RATIO = 1.1;
const SEED = 1204;

interface Run {
  clients: number;
  /** Calls from the render's start until the last client saw its end. */
  renderCalls: number;
  /** Calls while every client followed the running render. */
  windowCalls: number;
  windowMs: number;
}

function perMinute(run: Run): number {
  return (run.windowCalls * 60_000) / run.windowMs;
}

/** Resolves once `count` clients called the returned callback. */
function countdown(count: number): { following: () => void; all: Promise<void> } {
  let left = count;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  return {
    following: () => {
      left -= 1;
      if (left === 0) {
        resolveAll();
      }
    },
    all,
  };
}

/**
 * Follows one render with `clientCount` clients: `start` starts the render and returns what the
 * clients need, `follow` runs one client. The render ends `windowMs` after every client
 * follows it.
 */
async function measureRun<T>(
  standIn: ServerProcess,
  clientCount: number,
  windowMs: number,
  start: () => Promise<T>,
  follow: (started: T, onFollowing: () => void) => Promise<void>,
): Promise<Run> {
  const callsBefore = await standIn.requestCount();
  const started = await start();
  await standIn.waitForHeldRender();
  const { following, all } = countdown(clientCount);
  const clients = Array.from({ length: clientCount }, () => follow(started, following));
  // A client that fails before it follows would leave `all` pending, so a failure ends the wait.
  await Promise.race([all, Promise.all(clients)]);

  const callsAtWindow = await standIn.requestCount();
  const windowStartedAt = Date.now();
  await delay(windowMs);
  const callsAfterWindow = await standIn.requestCount();
  const measuredMs = Date.now() - windowStartedAt;
  await standIn.release();
  await Promise.all(clients);
  return {
    clients: clientCount,
    renderCalls: (await standIn.requestCount()) - callsBefore,
    windowCalls: callsAfterWindow - callsAtWindow,
    windowMs: measuredMs,
  };
}

async function runGateway(standIn: ServerProcess, clientCount: number): Promise<Run> {
  const gateway = await ServerProcess.start({
    role: 'gateway', standInUrl: standIn.url, apiKey: standIn.apiKey!, log: 'full', corsOrigins: [],
  });
  try {
    return await measureRun(
      standIn,
      clientCount,
      GATEWAY_WINDOW_MS,
      () => refreshThroughGateway(gateway.url),
      (_started, following) => followThroughGateway(gateway.url, following),
    );
  } finally {
    await gateway.close();
  }
}

async function runProxy(standIn: ServerProcess, clientCount: number): Promise<Run> {
  const proxy = await ServerProcess.start({ role: 'proxy', standInUrl: standIn.url, apiKey: standIn.apiKey! });
  const random = seededRandom(SEED);
  try {
    return await measureRun(
      standIn,
      clientCount,
      PROXY_WINDOW_MS,
      () => renderThroughProxy(proxy.url),
      (taskId, following) => followThroughProxy(proxy.url, taskId, random() * PROXY_POLL_INTERVAL_MS, following),
    );
  } finally {
    await proxy.close();
  }
}

/** Runs the fan-in benchmark and returns its BENCHMARKS.md section. */
export async function runFanInBenchmark(): Promise<string> {
  const standIn = await ServerProcess.start({ role: 'stand-in', renderLineIntervalMs: RENDER_LINE_INTERVAL_MS });
  const gatewayRuns: Run[] = [];
  const proxyRuns: Run[] = [];
  try {
    for (const clients of CLIENT_COUNTS) {
      gatewayRuns.push(await runGateway(standIn, clients));
      proxyRuns.push(await runProxy(standIn, clients));
      console.log(`fan-in: ${clients} clients measured`);
    }
  } finally {
    await standIn.close();
  }

  const ratio = (runs: Run[], index: number) => perMinute(runs[index]!) / perMinute(runs[0]!);
  const rows = CLIENT_COUNTS.map((clients, index) => [
    formatCount(clients),
    formatCount(perMinute(gatewayRuns[index]!)),
    formatRatio(ratio(gatewayRuns, index)),
    formatCount(gatewayRuns[index]!.renderCalls),
    formatCount(perMinute(proxyRuns[index]!)),
    formatRatio(ratio(proxyRuns, index)),
    formatCount(proxyRuns[index]!.renderCalls),
  ]);
  const largest = CLIENT_COUNTS.length - 1;
  const gatewayRatio = ratio(gatewayRuns, largest);

  return `## Fan-in

Command: \`npm run bench -- --only fan-in\` (bench/fan-in/fan-in.ts).
Machine: ${describeMachine()}.

For each number of clients, one render starts and prints a log line each second. The clients
run in the benchmark process, and the stand-in, the gateway and the proxy each run in their
own. Through the gateway (\`log: full\`) each client reads the report's status once and then
long-polls the render with \`wait=20\`, as the element does. Through the pass-through proxy
(bench/servers/pass-through-proxy.ts), which adds the API key and forwards each request to
Connect, each client polls the render task every 2 s, starting at a random phase within the
interval.

Upstream calls are the API requests that reached the stand-in. Per minute counts them while
every client follows the running render, for ${GATEWAY_WINDOW_MS / 1000} s through the gateway and
${PROXY_WINDOW_MS / 1000} s through the proxy. Per render counts them from the render's start until
the last client saw its end, which includes starting the render and every client's first read.
One proxy client polls only 3 or 4 times in its window, so its rate, and the proxy's ratios
against it, are rough.

${markdownTable(
    ['clients', 'gateway: calls per minute', 'vs 1 client', 'per render', 'proxy: calls per minute', 'vs 1 client', 'per render'],
    rows,
  )}

**Target: 1,000 clients cost at most ${TARGET_RATIO} times the upstream calls per minute of one
client: ${verdict(gatewayRatio <= TARGET_RATIO)}** (${formatRatio(gatewayRatio)} through the gateway,
${formatRatio(ratio(proxyRuns, largest))} through the proxy).
`;
}
