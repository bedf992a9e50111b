/** The servers that a benchmark runs in child processes, and the settings each one gets. */

export const REPORT_NAME = 'orders';
export const REPORT_GUID = '6a3b4c5d-0000-4000-8000-0000000be7c4';
/**
 * A second report on the stand-in that no gateway names, so that a benchmark can render it
 * directly on the stand-in while the gateway follows a render of the first.
 */
export const DIRECT_REPORT_GUID = '6a3b4c5d-0000-4000-8000-0000000be7c5';

/** The report's `log` setting: the log lines that the gateway passes to the element. */
export type LogSetting = 'none' | 'errors' | 'full';

export type ServerParams =
  | {
    role: 'stand-in';
    /** Interval in ms at which a held render prints a log line, or 0 for none. */
    renderLineIntervalMs: number;
  }
  | {
    role: 'gateway';
    standInUrl: string;
    apiKey: string;
    log: LogSetting;
    /** Page origins allowed to call the gateway. */
    corsOrigins: string[];
  }
  | { role: 'proxy'; standInUrl: string; apiKey: string };

/**
 * The gateway's limits in every benchmark. All benchmark clients share the address 127.0.0.1
 * and so one rate-limit bucket, and 1,000 clients hold more long-polls than the default cap of
 * 256, so the benchmarks raise both far above the load they send.
 */
export const BENCH_GATEWAY_LIMITS = {
  refreshPerMinute: 100_000,
  readsPerMinute: 10_000_000,
  maxHeldRequests: 5_000,
} as const;

/** Messages from a server process to the benchmark. */
export type ServerMessage =
  | { type: 'ready'; url: string; apiKey?: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string };

/** Calls the benchmark makes on a server process. Each role handles the calls that apply to it. */
export type ServerMethod = 'release' | 'waitForHeldRender' | 'requestCount' | 'memory' | 'memoryAfterGc' | 'close';

export interface ServerCall {
  id: number;
  method: ServerMethod;
}

/** Memory of a server process in bytes. */
export interface MemorySample {
  heapUsedBytes: number;
  rssBytes: number;
}
