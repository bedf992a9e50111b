/**
 * Faults of the stand-in switched on and off during a soak. Each window of the run (one
 * minute by default) applies one phase of FAULT_PHASES in turn: the fault is on for the first
 * half of the window and off for the second. Every fault is off from the click deadline on, so
 * that a render still running in the drain can end and a stuck client means a gateway problem.
 */
import type { FaultSettings, StandIn } from '../../src/stand-in/index.js';
import { SOAK_REPORTS } from './soak-servers.js';

export interface FaultPhase {
  name: string;
  /** Faults in force for the first half of the window. */
  settings?: FaultSettings;
  /** Restarts the stand-in at the start of the window. */
  restart?: boolean;
}

export const FAULT_PHASES: readonly FaultPhase[] = [
  { name: 'none' },
  { name: 'Connect slow (2 s per API call)', settings: { requests: [{ kind: 'latency', ms: 2000, path: '/__api__/**' }] } },
  { name: 'task polls get 503', settings: { requests: [{ kind: 'error', status: 503, method: 'GET', path: '/__api__/v1/tasks/*' }] } },
  { name: 'render starts get 500', settings: { requests: [{ kind: 'error', status: 500, method: 'POST', path: '/__api__/v1/content/*/render' }] } },
  { name: 'Connect rate-limits 50 calls', settings: { requests: [{ kind: 'rate-limit', retryAfterSeconds: 2, path: '/__api__/**', times: 50 }] } },
  { name: '30 task polls reset', settings: { requests: [{ kind: 'reset', method: 'GET', path: '/__api__/v1/tasks/*', times: 30 }] } },
  { name: '20 job lists dropped', settings: { requests: [{ kind: 'drop', method: 'GET', path: '/__api__/v1/content/*/jobs', times: 20 }] } },
  { name: 'Connect restarts', restart: true },
  { name: 'sticky sessions', settings: { stickyCookie: true } },
  { name: `renders of ${SOAK_REPORTS[1]!.name} hang`, settings: { hangingRenders: [SOAK_REPORTS[1]!.guid] } },
];

/** One entry per window of the run: the phase applied, or none after the click deadline. */
export interface FaultWindow {
  startMs: number;
  phase: string;
}

/**
 * Switches the faults of `standIn` window by window until `clickDeadlineMs` (milliseconds
 * after `startedAt`), then turns them off. Resolves with the windows once the deadline passed
 * or `signal` aborted. Failures to restart are logged and the schedule goes on.
 */
export async function runFaultSchedule(
  standIn: StandIn,
  options: { startedAt: number; clickDeadlineMs: number; windowMs: number; signal: AbortSignal },
): Promise<FaultWindow[]> {
  const windows: FaultWindow[] = [];
  for (let index = 0; ; index += 1) {
    const startMs = index * options.windowMs;
    if (startMs + options.windowMs > options.clickDeadlineMs || options.signal.aborted) {
      break;
    }
    const phase = FAULT_PHASES[index % FAULT_PHASES.length]!;
    windows.push({ startMs, phase: phase.name });
    await waitUntil(options.startedAt + startMs, options.signal);
    if (phase.restart === true) {
      await standIn.restart().catch((error: unknown) => {
        console.error(`soak: restarting the stand-in failed: ${String(error)}`);
      });
    }
    standIn.faults.set(phase.settings ?? {});
    await waitUntil(options.startedAt + startMs + options.windowMs / 2, options.signal);
    standIn.faults.clear();
  }
  standIn.faults.clear();
  return windows;
}

function waitUntil(atMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, atMs - performance.now()));
    signal.addEventListener('abort', done, { once: true });
  });
}
