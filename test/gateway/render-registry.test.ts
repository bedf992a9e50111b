import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import {
  ConnectUnreachableError,
  type ConnectClient,
  type GetTaskOptions,
  type RenderStarted,
  type Task,
} from '../../src/connect/index.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { GatewayHttpError } from '../../src/gateway/errors.js';
import { DEFAULT_FOLLOW_TIMING } from '../../src/gateway/follow-render.js';
import {
  FINISHED_RENDER_TTL_MS,
  RenderRegistry,
} from '../../src/gateway/render-registry.js';
import { ReportCatalog } from '../../src/gateway/report-catalog.js';

const CONFIG = parseGatewayConfig({
  reports: { sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef', log: 'full' } },
});
const REPORT = CONFIG.reports.sales!;

/** Creates a promise with its resolve and reject functions, settled by the test. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const logger = {
  info() {},
  warn() {},
  debug() {},
  child() {
    return logger;
  },
} as never;

/** Creates a fake Connect client whose render calls and task polls wait for the test. */
function fakeClient() {
  const renders: Array<ReturnType<typeof deferred<RenderStarted>>> = [];
  const polls: Array<ReturnType<typeof deferred<Task>>> = [];
  const client = {
    render() {
      const call = deferred<RenderStarted>();
      renders.push(call);
      return call.promise;
    },
    getTask(_taskId: string, options: GetTaskOptions) {
      const call = deferred<Task>();
      polls.push(call);
      options.signal?.addEventListener('abort', () => call.reject(options.signal!.reason));
      return call.promise;
    },
    getLastRenderedAt: async () => null,
    getContent: async () => ({ title: 'Sales' }),
  };
  return { client: client as unknown as ConnectClient, renders, polls };
}

function setUp() {
  const fake = fakeClient();
  const closing = new AbortController();
  const catalog = new ReportCatalog(CONFIG, fake.client, logger);
  const registry = new RenderRegistry({
    client: fake.client,
    catalog,
    logger,
    signal: closing.signal,
    timing: DEFAULT_FOLLOW_TIMING,
  });
  return { ...fake, registry, closing };
}

const STARTED: RenderStarted = { taskId: 't1', route: 'v1', cookie: null };
const FINISHED: Task = { id: 't1', output: [], finished: true, code: 0, error: '', last: 0 };

/** Resolves once `list` has `count` entries, checking after each turn of the event loop. */
async function until<T>(list: T[], count: number): Promise<void> {
  while (list.length < count) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('RenderRegistry', () => {
  afterEach(() => {
    mock.timers.reset();
  });

  it('joins refreshes while the render call is in flight', async () => {
    const { registry, renders, closing } = setUp();
    const requests = [1, 2, 3].map(() => registry.refresh('sales', REPORT));
    assert.equal(renders.length, 1, 'one render call to Connect');

    renders[0]!.resolve(STARTED);
    const results = await Promise.all(requests);
    assert.equal(new Set(results.map((result) => result.record)).size, 1);
    assert.deepEqual(results.map((result) => result.joined), [false, true, true]);
    closing.abort();
    await registry.close();
  });

  it('shares a failed start, then retries', async () => {
    const { registry, renders, closing } = setUp();
    const first = registry.refresh('sales', REPORT);
    const joined = registry.refresh('sales', REPORT);
    renders[0]!.reject(
      new ConnectUnreachableError('refused', { method: 'POST', path: '/x', timedOut: false }),
    );
    for (const request of [first, joined]) {
      await assert.rejects(request, (error: unknown) => {
        assert.ok(error instanceof GatewayHttpError);
        assert.equal(error.statusCode, 503);
        return true;
      });
    }

    const retry = registry.refresh('sales', REPORT);
    assert.equal(renders.length, 2, 'a new render call after the failure');
    renders[1]!.resolve(STARTED);
    assert.equal((await retry).joined, false);
    closing.abort();
    await registry.close();
  });

  it('forgets finished renders after 10 minutes', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { registry, renders, polls, closing } = setUp();
    const refresh = registry.refresh('sales', REPORT);
    renders[0]!.resolve(STARTED);
    const { record } = await refresh;
    await until(polls, 1);
    polls[0]!.resolve(FINISHED);
    await record.waitForProgress(0, new AbortController().signal);
    assert.equal(record.state, 'succeeded');

    mock.timers.tick(FINISHED_RENDER_TTL_MS - 1);
    assert.equal(registry.find(record.handle), record, 'still readable just before expiry');
    mock.timers.tick(1);
    assert.equal(registry.find(record.handle), undefined, 'forgotten after 10 minutes');
    closing.abort();
    await registry.close();
  });

  it('keeps running renders past 10 minutes', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { registry, renders, closing } = setUp();
    const refresh = registry.refresh('sales', REPORT);
    renders[0]!.resolve(STARTED);
    const { record } = await refresh;

    mock.timers.tick(FINISHED_RENDER_TTL_MS * 2);
    assert.equal(registry.find(record.handle), record);
    assert.equal(registry.runningRender('sales'), record);
    closing.abort();
    await registry.close();
  });
});
