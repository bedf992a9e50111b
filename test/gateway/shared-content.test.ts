import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { GatewayHttpError } from '../../src/gateway/errors.js';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';
import { FINISHED, setUpRegistry, STARTED, until } from './registry-fakes.js';

const SHARED_GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
const OTHER_GUID = '6a3b4c5d-0000-4000-8000-00000000cafe';

/** Reports a and b are the same content on Connect, with different settings. */
const CONFIG = parseGatewayConfig({
  reports: {
    a: { guid: SHARED_GUID, log: 'full' },
    b: { guid: SHARED_GUID, log: 'none', cooldown_s: 300 },
    other: { guid: OTHER_GUID, log: 'full' },
  },
});
const A = CONFIG.reports.a!;
const B = CONFIG.reports.b!;
const OTHER = CONFIG.reports.other!;
const WHO = { variant: null, who: 'anonymous 127.0.0.1', requester: null };

describe('reports of the same content', () => {
  it('share one render started at once', async () => {
    const { registry, renders, closing, handles, lines } = setUpRegistry(CONFIG, {
      autoStart: true,
    });
    const [resultA, resultB] = await Promise.all([
      registry.refresh('a', A, WHO),
      registry.refresh('b', B, WHO),
    ]);

    assert.equal(renders.length, 1, 'one render call to Connect');
    assert.equal(resultA.joined, false);
    assert.equal(resultB.joined, true);
    assert.equal(handles.verify(resultA.record.handle)?.report, 'a');
    assert.equal(handles.verify(resultB.record.handle)?.report, 'b');
    assert.equal(registry.runningRender('a', null), resultA.record);
    assert.equal(registry.runningRender('b', null), resultB.record);
    const audits = lines.filter((line) => line.msg === 'refresh');
    assert.deepEqual(
      audits.map(({ report, outcome, handle_id }) => ({ report, outcome, handle_id })),
      [
        { report: 'a', outcome: 'started', handle_id: resultA.record.renderId },
        { report: 'b', outcome: 'joined', handle_id: resultB.record.renderId },
      ],
    );
    closing.abort();
    await registry.close();
  });

  it('join a running render', async () => {
    const { registry, renders, polls, closing } = setUpRegistry(CONFIG, { autoStart: true });
    const { record: recordA } = await registry.refresh('a', A, WHO);
    const resultB = await registry.refresh('b', B, WHO);
    assert.equal(resultB.joined, true);
    assert.equal(renders.length, 1, 'one render call to Connect');

    // Each handle keeps its report's log setting: a shows every line, b none.
    await until(polls, 1);
    polls[0]!.resolve({ ...FINISHED, output: ['processing'], last: 1 });
    await recordA.waitForProgress(0, new AbortController().signal);
    assert.equal(recordA.state, 'succeeded');
    assert.equal(resultB.record.state, 'succeeded');
    assert.deepEqual(recordA.progress(recordA.handle, 0, null).output, ['processing']);
    assert.deepEqual(resultB.record.progress(resultB.record.handle, 0, null).output, []);
    closing.abort();
    await registry.close();
  });

  it('share the cooldown', async () => {
    const { registry, renders, polls, closing } = setUpRegistry(CONFIG, { autoStart: true });
    const { record } = await registry.refresh('a', A, WHO);
    await until(polls, 1);
    polls[0]!.resolve(FINISHED);
    await record.waitForProgress(0, new AbortController().signal);
    assert.equal(record.state, 'succeeded');

    // The fake Connect has no render time, so only the render the gateway saw counts.
    await assert.rejects(registry.refresh('b', B, WHO), (error: unknown) => {
      assert.ok(error instanceof GatewayHttpError);
      assert.equal(error.code, 'cooldown');
      return true;
    });
    assert.equal(renders.length, 1, 'no second render call');
    closing.abort();
    await registry.close();
  });

  it('render apart from other content', async () => {
    const { registry, renders, closing } = setUpRegistry(CONFIG);
    const refreshA = registry.refresh('a', A, WHO);
    const refreshOther = registry.refresh('other', OTHER, WHO);
    await until(renders, 2);
    renders[0]!.resolve(STARTED);
    renders[1]!.resolve({ ...STARTED, taskId: 't2' });
    const results = await Promise.all([refreshA, refreshOther]);
    assert.deepEqual(results.map((result) => result.joined), [false, false]);
    closing.abort();
    await registry.close();
  });
});

describe('reports of the same content on the stand-in', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('start one render on Connect', async () => {
    const config = parseGatewayConfig({
      reports: {
        sales: { guid: SALES_GUID, log: 'full' },
        orders: { guid: SALES_GUID, log: 'full' },
      },
    });
    const h = await startHarness({ config });
    harness = h;
    const [sales, orders] = await Promise.all([h.refresh('sales'), h.refresh('orders')]);
    assert.equal(sales.status, 202, sales.text);
    assert.equal(orders.status, 202, orders.text);
    assert.deepEqual([sales.body.joined, orders.body.joined].sort(), [false, true]);
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1, 'one render job');

    const status = await h.request('/v1/reports/orders');
    assert.equal(status.body.render.handle, orders.body.handle);
    await h.finishRender('sales', ['done'], 0);
    const outcome = await h.awaitOutcome(orders.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(outcome.body.output.at(-1), 'done');
  });
});
