/**
 * Gateway under load: 1,000 concurrent long-polls held open plus status reads at a fixed rate,
 * driven by autocannon on loopback, against the gateway and against the stand-in alone. The
 * status reads' latency through the gateway minus the stand-in's is the latency the gateway
 * adds, and the gateway process's memory is sampled over the run.
 */
import { setTimeout as delay } from 'node:timers/promises';
import autocannon, { type Result } from 'autocannon';
import { describeMachine } from '../machine.js';
import { ServerProcess } from '../servers/server-handle.js';
import {
  BENCH_GATEWAY_LIMITS,
  DIRECT_REPORT_GUID,
  REPORT_GUID,
  REPORT_NAME,
  type MemorySample,
} from '../servers/server-roles.js';
import { formatCount, formatMegabytes, formatMs, markdownTable, median, verdict } from '../stats.js';

const LONG_POLLS = 1000;
const ROUNDS = 5;
/** Length of the status reads in each round. */
const ROUND_SECONDS = 6;
/** Time the long-polls get to connect before the status reads start, in seconds. */
const SETTLE_SECONDS = 2;
/**
 * Pause after a round before the heap sample, in ms. Right after a round the server still
 * closes the 1,000 connections, and their objects are live for about a second.
 */
const CLOSE_PAUSE_MS = 2000;
/** Status reads per second, over READ_CONNECTIONS connections. */
const READ_RATE = 200;
const READ_CONNECTIONS = 10;
/** Hold of each long-poll in seconds, longer than a round, so that none gets a response within a round. */
const WAIT_SECONDS = 20;
const TARGET_ADDED_P99_MS = 50;
/** Memory counts as flat when live heap grows less than this from the first round's end to the last's. */
const FLAT_HEAP_GROWTH = 0.1;

interface Target {
  name: string;
  longPollUrl: string;
  statusUrl: string;
  headers: Record<string, string>;
  server: ServerProcess;
  /** The stand-in, whose API requests during the rounds are counted. */
  standIn: ServerProcess;
}

interface RoundResult {
  reads: Result;
  longPolls: Result;
  /** Live heap after a full garbage collection at the end of the round. */
  heapAfterRound: number;
  peakRssBytes: number;
}

interface TargetResult {
  name: string;
  heapBefore: number;
  rounds: RoundResult[];
  /** API requests that reached the stand-in during the rounds, per minute. */
  upstreamPerMinute: number;
}

async function postJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`POST ${url} failed with HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  return JSON.parse(text) as T;
}

async function runRound(target: Target): Promise<RoundResult> {
  let peakRssBytes = 0;
  const sampler = setInterval(() => {
    target.server.memory().then(
      (sample: MemorySample) => {
        peakRssBytes = Math.max(peakRssBytes, sample.rssBytes);
      },
      () => undefined,
    );
  }, 1000);
  try {
    const longPollRun = autocannon({
      url: target.longPollUrl,
      headers: target.headers,
      connections: LONG_POLLS,
      duration: SETTLE_SECONDS + ROUND_SECONDS,
      timeout: WAIT_SECONDS + 10,
    });
    await delay(SETTLE_SECONDS * 1000);
    const reads = await autocannon({
      url: target.statusUrl,
      headers: target.headers,
      connections: READ_CONNECTIONS,
      overallRate: READ_RATE,
      duration: ROUND_SECONDS,
    });
    const longPolls = await longPollRun;
    await delay(CLOSE_PAUSE_MS);
    const heapAfterRound = (await target.server.memoryAfterGc()).heapUsedBytes;
    return { reads, longPolls, heapAfterRound, peakRssBytes };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Runs the rounds of both targets alternately, so that load from other programs on the machine
 * falls on both alike.
 */
async function measureTargets(targets: Target[]): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  for (const target of targets) {
    const heapBefore = (await target.server.memoryAfterGc()).heapUsedBytes;
    results.push({ name: target.name, heapBefore, rounds: [], upstreamPerMinute: 0 });
  }
  const upstream = targets.map(() => ({ calls: 0, ms: 0 }));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, target] of targets.entries()) {
      const callsBefore = await target.standIn.requestCount();
      const startedAt = Date.now();
      results[index]!.rounds.push(await runRound(target));
      upstream[index]!.calls += (await target.standIn.requestCount()) - callsBefore;
      upstream[index]!.ms += Date.now() - startedAt;
      console.log(`load: ${target.name}, round ${round + 1} of ${ROUNDS} done`);
    }
  }
  for (const [index, result] of results.entries()) {
    result.upstreamPerMinute = (upstream[index]!.calls * 60_000) / upstream[index]!.ms;
  }
  return results;
}

/** Returns the number of the round's long-polls that got any response before the round ended. */
function earlyLongPollResponses(round: RoundResult): number {
  return Object.values(round.longPolls.statusCodeStats).reduce((sum, stats) => sum + stats.count, 0);
}

function roundRows(result: TargetResult): string[][] {
  return result.rounds.map((round, index) => [
    result.name,
    String(index + 1),
    formatMs(round.reads.latency.p50),
    formatMs(round.reads.latency.p99),
    formatCount(round.reads.requests.total),
    formatCount(round.reads.non2xx + round.reads.errors),
    formatCount(earlyLongPollResponses(round)),
    formatMegabytes(round.heapAfterRound),
    formatMegabytes(round.peakRssBytes),
  ]);
}

function medianOf(result: TargetResult, pick: (round: RoundResult) => number): number {
  return median(result.rounds.map(pick));
}

/** Runs the gateway load benchmark and returns its BENCHMARKS.md section. */
export async function runLoadBenchmark(): Promise<string> {
  const standIn = await ServerProcess.start({ role: 'stand-in', renderLineIntervalMs: 0 });
  const keyHeader = { authorization: `Key ${standIn.apiKey!}` };
  let standInResult: TargetResult;
  let gatewayResult: TargetResult;
  try {
    const gateway = await ServerProcess.start({
      role: 'gateway', standInUrl: standIn.url, apiKey: standIn.apiKey!, log: 'none', corsOrigins: [],
    });
    try {
      // Two renders run throughout: one that the gateway follows, one of a report that only the
      // direct long-polls see. Neither ends before standIn.release().
      const render = await postJson<{ handle: string }>(`${gateway.url}/v1/reports/${REPORT_NAME}/refresh`, {});
      const task = await postJson<{ task_id: string }>(`${standIn.url}/__api__/v1/content/${DIRECT_REPORT_GUID}/render`, keyHeader);
      [standInResult, gatewayResult] = await measureTargets([
        {
          name: 'stand-in alone',
          longPollUrl: `${standIn.url}/__api__/v1/tasks/${task.task_id}?wait=${WAIT_SECONDS}`,
          statusUrl: `${standIn.url}/__api__/v1/content/${REPORT_GUID}`,
          headers: keyHeader,
          server: standIn,
          standIn,
        },
        {
          name: 'gateway',
          longPollUrl: `${gateway.url}/v1/renders/${render.handle}?after=0&wait=${WAIT_SECONDS}`,
          statusUrl: `${gateway.url}/v1/reports/${REPORT_NAME}`,
          headers: {},
          server: gateway,
          standIn,
        },
      ]) as [TargetResult, TargetResult];
      await standIn.release();
    } finally {
      await gateway.close();
    }
  } finally {
    await standIn.close();
  }

  const addedP50 = medianOf(gatewayResult, (round) => round.reads.latency.p50) - medianOf(standInResult, (round) => round.reads.latency.p50);
  const addedP99 = medianOf(gatewayResult, (round) => round.reads.latency.p99) - medianOf(standInResult, (round) => round.reads.latency.p99);
  const firstHeap = gatewayResult.rounds[0]!.heapAfterRound;
  const lastHeap = gatewayResult.rounds.at(-1)!.heapAfterRound;
  const heapGrowth = (lastHeap - firstHeap) / firstHeap;
  const flat = heapGrowth < FLAT_HEAP_GROWTH;

  return `## Gateway under load

Command: \`npm run bench -- --only load\` (bench/load/gateway-load.ts).
Machine: ${describeMachine(['autocannon 9.0.0'])}.

Each target gets ${ROUNDS} rounds of ${ROUND_SECONDS} s, alternating with the other target's, so
that load from other programs on the machine falls on both alike. In each round one autocannon instance
holds ${formatCount(LONG_POLLS)} long-polls open on ${formatCount(LONG_POLLS)} connections, and a second
one sends status reads at ${READ_RATE} per second over ${READ_CONNECTIONS} connections. Renders
run all the time and print nothing, so the long-polls (\`wait=${WAIT_SECONDS}\`) stay held
until autocannon closes them at the round's end. Against the stand-in alone the long-polls
are task polls of a second report's render, which the gateway does not follow, and the status
reads are content reads (\`GET /__api__/v1/content/{guid}\`).
Against the gateway they are render polls and report status reads. autocannon runs in the
benchmark process, and the stand-in and the gateway each in their own.

The gateway's limits are raised for this benchmark: all clients come from 127.0.0.1 and
share one rate-limit bucket, so \`rate_limit\` allows ${formatCount(BENCH_GATEWAY_LIMITS.readsPerMinute)}
reads and ${formatCount(BENCH_GATEWAY_LIMITS.refreshPerMinute)} refreshes per minute, and
\`maxHeldRequests\` is ${formatCount(BENCH_GATEWAY_LIMITS.maxHeldRequests)} instead of 256.

Heap is the server process's live heap after a full garbage collection, ${CLOSE_PAUSE_MS / 1000} s after
the round's end, and peak RSS the largest of one sample per second. autocannon corrects the
status reads' latency for coordinated omission, because they are sent at a fixed rate.

${markdownTable(
    ['target', 'round', 'status read p50', 'p99', 'reads', 'failed reads', 'early long-poll responses', 'heap', 'peak RSS'],
    [...roundRows(standInResult), ...roundRows(gatewayResult)],
  )}

The gateway's heap before the first round was ${formatMegabytes(gatewayResult.heapBefore)}. While
the gateway was under load, the stand-in got ${gatewayResult.upstreamPerMinute.toFixed(0)} API requests
per minute from it, because the gateway polls the render's task once and responds to status
reads from memory and its caches. For the same reason a status read through the gateway can be faster
than a content read from the stand-in, which checks the API key and reads its catalog on
every request, and the added latency can be below zero.

**Target: p99 added latency at most ${TARGET_ADDED_P99_MS} ms: ${verdict(addedP99 <= TARGET_ADDED_P99_MS)}**
(p50 ${formatMs(addedP50)}, p99 ${formatMs(addedP99)}: the median over the rounds of the
gateway's percentile, minus the same for the stand-in).

**Target: memory flat: ${verdict(flat)}** (live heap ${(heapGrowth >= 0 ? '+' : '') + (100 * heapGrowth).toFixed(1)}%
from the end of round 1 to the end of round ${ROUNDS}; flat means less than
${(100 * FLAT_HEAP_GROWTH).toFixed(0)}% growth).
`;
}
