/**
 * Runs a soak: simulated clients click and follow renders through the gateway for a set
 * time, while the stand-in's faults switch on and off, and the gateway's memory is sampled.
 */
import { setMaxListeners } from 'node:events';
import { Random } from '../../test/fuzz/random.js';
import { runFaultSchedule, type FaultWindow } from './fault-schedule.js';
import { runSoakClient } from './soak-client.js';
import { SOAK_REPORTS, startSoakServers, type GatewayLogCounts, type MemorySample } from './soak-servers.js';
import { SoakStats } from './soak-stats.js';

export interface SoakOptions {
  minutes: number;
  clients: number;
  seed: number;
  faults: boolean;
  /** Seconds after the click deadline that renders in flight get to end. */
  drainSeconds: number;
  /** Seconds after which a render that a client follows counts as stuck. */
  stuckSeconds: number;
  /** Range of a client's pause between clicks, in seconds. */
  thinkSeconds: readonly [number, number];
  /** Seconds between two memory samples. */
  sampleSeconds: number;
  /** Seconds of one fault window; see fault-schedule.ts. */
  faultWindowSeconds: number;
  /** Called with a progress line every minute. */
  onProgress?: (line: string) => void;
}

export interface SoakResult {
  options: SoakOptions;
  stats: SoakStats;
  memory: MemorySample[];
  faultWindows: FaultWindow[];
  standInRenders: number;
  logs: GatewayLogCounts;
  /** Exit code and signal of a gateway that exited during the run, or null. */
  gatewayExit: string | null;
  durationMs: number;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const servers = await startSoakServers();
  const stats = new SoakStats();
  const startedAt = stats.startedAtMs;
  const clickDeadlineMs = options.minutes * 60_000;
  const stop = new AbortController();
  // Every client waits on this signal, so it has far more than Node's default of 10 listeners.
  setMaxListeners(options.clients * 2 + 16, stop.signal);
  const hardStop = setTimeout(() => stop.abort(), clickDeadlineMs + options.drainSeconds * 1000);
  const memory: MemorySample[] = [];
  const sample = async () => {
    try {
      memory.push(await servers.sampleMemory(stats.elapsedMs()));
    } catch (error) {
      options.onProgress?.(`soak: a memory sample failed: ${String(error)}`);
    }
  };
  await sample();
  const sampler = setInterval(() => void sample(), options.sampleSeconds * 1000);
  const progress = setInterval(() => {
    const rss = memory.at(-1)?.rssBytes ?? 0;
    options.onProgress?.(`soak: ${Math.round(stats.elapsedMs() / 60_000)} min, ${stats.clicks} clicks, ` +
      `${stats.accepted} accepted, ${stats.errors.size} kinds of error, ${stats.stuck} stuck, gateway RSS ${mebibytes(rss)} MiB`);
  }, 60_000);

  const schedule = options.faults
    ? runFaultSchedule(servers.standIn, {
      startedAt,
      clickDeadlineMs,
      windowMs: options.faultWindowSeconds * 1000,
      signal: stop.signal,
    })
    : Promise.resolve([]);
  const clients = Array.from({ length: options.clients }, (_, id) => runSoakClient({
    id,
    report: SOAK_REPORTS[id % SOAK_REPORTS.length]!.name,
    gatewayUrl: servers.gatewayUrl,
    random: Random.forCase(options.seed, id),
    stats,
    clickDeadlineMs: startedAt + clickDeadlineMs,
    stuckAfterMs: options.stuckSeconds * 1000,
    thinkMs: [options.thinkSeconds[0] * 1000, options.thinkSeconds[1] * 1000],
    signal: stop.signal,
  }));

  let faultWindows: FaultWindow[];
  try {
    await Promise.all(clients);
    stop.abort();
    faultWindows = await schedule;
  } finally {
    clearTimeout(hardStop);
    clearInterval(sampler);
    clearInterval(progress);
    stop.abort();
  }
  if (servers.gatewayExit === null) {
    await sample();
  }
  const gatewayExit = servers.gatewayExit;
  await servers.close();
  return {
    options,
    stats,
    memory,
    faultWindows,
    standInRenders: servers.standInRenders,
    logs: servers.logs,
    gatewayExit,
    durationMs: stats.elapsedMs(),
  };
}

export function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
