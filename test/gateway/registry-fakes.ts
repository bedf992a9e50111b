/**
 * A render registry over a fake Connect client whose render calls and task polls wait for
 * the test, with a logger that records every line.
 */
import type {
  ConnectClient,
  GetTaskOptions,
  Job,
  JobKillOrder,
  RenderStarted,
  Task,
  Variant,
} from '../../src/connect/index.js';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { DEFAULT_FOLLOW_TIMING, type FollowTiming } from '../../src/gateway/follow-render.js';
import { HandleSigner } from '../../src/gateway/handles.js';
import { RenderRegistry } from '../../src/gateway/render-registry.js';
import { ReportCatalog } from '../../src/gateway/report-catalog.js';
import { MemoryState } from '../../src/gateway/shared-state/memory-state.js';

/** Creates a promise with its resolve and reject functions, settled by the test. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Creates a pino-like logger that keeps the fields and message of each line. */
export function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const write = (fields: Record<string, unknown> | string, message?: string) => {
    lines.push(typeof fields === 'string' ? { msg: fields } : { ...fields, msg: message });
  };
  const logger = {
    info: write,
    warn: write,
    debug: write,
    child: () => logger,
  };
  return { logger: logger as never, lines };
}

/** Options of the fake Connect client. */
export interface FakeClientOptions {
  /** Connect's job list, or the error that listing jobs raises. */
  jobs?: Job[] | Error;
  /** Whether render calls succeed at once with task ids t1, t2, …; else the test settles them. */
  autoStart?: boolean;
  /** Connect's variant list; by default one default variant with id 1, as `job()` names. */
  variants?: Variant[];
}

/** A kill order that the fake client received, which the test settles. */
export interface KillCall extends ReturnType<typeof deferred<JobKillOrder>> {
  guid: string;
  jobKey: string;
}

/**
 * Creates a fake Connect client whose task polls and job kills, and by default renders, wait
 * for the test.
 */
export function fakeClient({
  jobs = [],
  autoStart = false,
  variants = [DEFAULT_VARIANT],
}: FakeClientOptions = {}) {
  const renders: Array<ReturnType<typeof deferred<RenderStarted>>> = [];
  const polls: Array<ReturnType<typeof deferred<Task>>> = [];
  const kills: KillCall[] = [];
  const client = {
    render() {
      const call = deferred<RenderStarted>();
      renders.push(call);
      if (autoStart) {
        call.resolve({ ...STARTED, taskId: `t${renders.length}` });
      }
      return call.promise;
    },
    getTask(_taskId: string, options: GetTaskOptions) {
      const call = deferred<Task>();
      polls.push(call);
      options.signal?.addEventListener('abort', () => call.reject(options.signal!.reason));
      return call.promise;
    },
    listJobs: async () => {
      if (jobs instanceof Error) {
        throw jobs;
      }
      return jobs;
    },
    killJob(guid: string, jobKey: string) {
      const call = { ...deferred<JobKillOrder>(), guid, jobKey };
      kills.push(call);
      return call.promise;
    },
    getDefaultRenderTime: async () => null,
    listVariants: async () => variants,
    listRenderings: async () => [],
    getContent: async () => ({ title: 'Sales' }),
  };
  return { client: client as unknown as ConnectClient, renders, polls, kills };
}

export const API_KEY = 'Wq3v9TzL0pXc7sRb2mYd4hNf8kGj6aE1';

/** Creates a registry of `config`'s reports over a fake Connect client. */
export function setUpRegistry(
  config: GatewayConfig,
  options: FakeClientOptions = {},
  timing: FollowTiming = DEFAULT_FOLLOW_TIMING,
) {
  const fake = fakeClient(options);
  const { logger, lines } = recordingLogger();
  const closing = new AbortController();
  const catalog = new ReportCatalog(config, fake.client, logger);
  const handles = new HandleSigner();
  const registry = new RenderRegistry({
    client: fake.client,
    catalog,
    logger,
    signal: closing.signal,
    timing,
    handles,
    secrets: [API_KEY],
    shared: new MemoryState({ claimTtlMs: 30_000 }),
  });
  return { ...fake, registry, closing, lines, handles };
}

export function job(fields: Partial<Job>): Job {
  return {
    id: '1',
    key: 'job1',
    tag: 'build_report',
    status: 0,
    start_time: new Date().toISOString(),
    end_time: null,
    exit_code: null,
    variant_id: '1',
    variant_key: null,
    bundle_id: '1',
    ...fields,
  };
}

/** The default variant of the fake content, whose id the jobs of `job()` name. */
export const DEFAULT_VARIANT: Variant = {
  id: '1',
  key: 'dflt0001',
  is_default: true,
  name: 'default',
  rendering_id: null,
  render_time: null,
  render_duration: null,
};

export const STARTED: RenderStarted = { taskId: 't1', route: 'v1', cookie: null };
export const FINISHED: Task = { id: 't1', output: [], finished: true, code: 0, error: '', last: 0 };

/** Resolves once `list` has `count` entries, checking after each turn of the event loop. */
export async function until<T>(list: T[], count: number): Promise<void> {
  while (list.length < count) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}
