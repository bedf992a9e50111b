import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { ConnectApiError, ConnectUnreachableError, type Job } from '../../src/connect/index.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { GatewayHttpError } from '../../src/gateway/errors.js';
import { HandleSigner } from '../../src/gateway/handles.js';
import { FINISHED_RENDER_TTL_MS } from '../../src/gateway/render-registry.js';
import {
  API_KEY,
  FINISHED,
  job,
  setUpRegistry,
  STARTED,
  until,
} from './registry-fakes.js';

const CONFIG = parseGatewayConfig({
  reports: {
    sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef', log: 'full' },
    orders: { guid: '6a3b4c5d-0000-4000-8000-00000000cafe', cooldown_s: 300 },
  },
});
const REPORT = CONFIG.reports.sales!;
const ORDERS = CONFIG.reports.orders!;
const WHO = { variant: null, who: 'anonymous 127.0.0.1', requester: null };

function setUp(jobs: Job[] | Error = []) {
  return setUpRegistry(CONFIG, { jobs });
}

describe('RenderRegistry', () => {
  afterEach(() => {
    mock.timers.reset();
  });

  it('joins refreshes while the render call is in flight', async () => {
    const { registry, renders, closing } = setUp();
    const requests = [1, 2, 3].map(() => registry.refresh('sales', REPORT, WHO));
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    const results = await Promise.all(requests);
    assert.equal(renders.length, 1, 'one render call to Connect');
    assert.equal(new Set(results.map((result) => result.record)).size, 1);
    assert.deepEqual(results.map((result) => result.joined), [false, true, true]);
    closing.abort();
    await registry.close();
  });

  it('shares a failed start, then retries', async () => {
    const { registry, renders, closing } = setUp();
    const first = registry.refresh('sales', REPORT, WHO);
    const joined = registry.refresh('sales', REPORT, WHO);
    const refused = () =>
      new ConnectUnreachableError('refused', { method: 'POST', path: '/x', timedOut: false });
    await until(renders, 1);
    renders[0]!.reject(refused());
    // No job appeared on Connect, so the gateway sends the request once more.
    await until(renders, 2);
    renders[1]!.reject(refused());
    for (const request of [first, joined]) {
      await assert.rejects(request, (error: unknown) => {
        assert.ok(error instanceof GatewayHttpError);
        assert.equal(error.statusCode, 503);
        return true;
      });
    }

    const retry = registry.refresh('sales', REPORT, WHO);
    await until(renders, 3);
    renders[2]!.resolve(STARTED);
    assert.equal((await retry).joined, false);
    closing.abort();
    await registry.close();
  });

  it('writes one audit line per refresh', async () => {
    const { registry, renders, closing, lines } = setUp();
    const first = registry.refresh('sales', REPORT, { variant: null, who: 'user alice', requester: 'alice' });
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    const { record } = await first;
    await registry.refresh('sales', REPORT, { variant: null, who: 'token nightly', requester: 'nightly' });

    const audits = lines.filter((line) => line.msg === 'refresh');
    assert.deepEqual(
      audits.map(({ report, who, outcome, handle_id }) => ({ report, who, outcome, handle_id })),
      [
        { report: 'sales', who: 'user alice', outcome: 'started', handle_id: record.renderId },
        { report: 'sales', who: 'token nightly', outcome: 'joined', handle_id: record.renderId },
      ],
    );
    assert.ok(!JSON.stringify(lines).includes(record.handle), 'no line contains the handle');
    closing.abort();
    await registry.close();
  });

  it('joins an active Connect job', async () => {
    const { registry, renders, closing, lines } = setUp([job({ key: 'running1' })]);
    const result = await registry.refresh('sales', REPORT, WHO);
    assert.equal(result.joined, true);
    assert.equal(result.record.jobKey, 'running1');
    assert.equal(result.record.startedBy, null);
    assert.equal(renders.length, 0, 'no render call to Connect');
    assert.equal(registry.runningRender('sales', null), result.record);
    const audit = lines.find((line) => line.msg === 'refresh');
    assert.equal(audit?.outcome, 'joined');
    closing.abort();
    await registry.close();
  });

  it('ignores active jobs that are not renders', async () => {
    const { registry, renders, closing } = setUp([job({ tag: 'packrat_restore' })]);
    const refresh = registry.refresh('sales', REPORT, WHO);
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    assert.equal((await refresh).joined, false);
    closing.abort();
    await registry.close();
  });

  it('starts without a job list route', async () => {
    const missingRoute = new ConnectApiError('Connect returned HTTP 404', {
      status: 404,
      code: null,
      connectMessage: null,
      payload: null,
      method: 'GET',
      path: '/__api__/v1/content/x/jobs',
    });
    const { registry, renders, closing, lines } = setUp(missingRoute);
    const first = registry.refresh('sales', REPORT, WHO);
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    assert.equal((await first).joined, false);
    const warnings = lines.filter((line) => String(line.msg).includes('no job list route'));
    assert.equal(warnings.length, 1);
    closing.abort();
    await registry.close();
  });

  it('refuses a refresh in the cooldown', async () => {
    const endedAt = new Date(Date.now() - 61_000).toISOString();
    const success = job({ status: 2, exit_code: 0, start_time: endedAt, end_time: endedAt });
    const { registry, renders, closing, lines } = setUp([success]);
    await assert.rejects(registry.refresh('orders', ORDERS, WHO), (error: unknown) => {
      assert.ok(error instanceof GatewayHttpError);
      assert.equal(error.statusCode, 429);
      assert.equal(error.code, 'cooldown');
      assert.equal(error.message, 'Report orders rendered 1 minute ago; refresh again in 4 minutes.');
      const retryAfter = Number(error.headers['retry-after']);
      assert.ok(retryAfter > 235, `Retry-After ${retryAfter}`);
      assert.ok(retryAfter <= 239, `Retry-After ${retryAfter}`);
      return true;
    });
    assert.equal(renders.length, 0, 'no render call to Connect');
    const audit = lines.find((line) => line.msg === 'refresh');
    assert.equal(audit?.outcome, 'refused');
    assert.equal(audit?.code, 'cooldown');
    closing.abort();
    await registry.close();
  });

  it('redacts a failure reason before cutting it', async () => {
    const { registry, renders, polls, closing, lines } = setUp();
    const refresh = registry.refresh('sales', REPORT, WHO);
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    const { record } = await refresh;
    await until(polls, 1);
    // Cut first, the reason would end in the key's first characters.
    const error = `Unable to render: ${'.'.repeat(170)} key ${API_KEY}\nsecond line`;
    polls[0]!.resolve({ ...FINISHED, code: 1, error });
    await record.waitForProgress(0, new AbortController().signal);

    assert.equal(record.state, 'failed');
    assert.ok(record.error !== null, 'the render has a reason');
    assert.ok(record.error.length <= 200, record.error);
    assert.ok(!record.error.includes(API_KEY.slice(0, 4)), record.error);
    assert.ok(!record.error.includes('second line'));
    const finished = lines.find((line) => line.msg === 'render finished');
    assert.equal(finished?.state, 'failed');
    assert.equal(finished?.reason, record.error);
    assert.equal(finished?.started_by, WHO.who);
    closing.abort();
    await registry.close();
  });

  it('forgets finished renders after 10 minutes', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { registry, renders, polls, closing } = setUp();
    const refresh = registry.refresh('sales', REPORT, WHO);
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    const { record } = await refresh;
    await until(polls, 1);
    polls[0]!.resolve(FINISHED);
    await record.waitForProgress(0, new AbortController().signal);
    assert.equal(record.state, 'succeeded');

    mock.timers.tick(FINISHED_RENDER_TTL_MS - 1);
    assert.equal(await registry.resolve(record.handle), record, 'readable just before expiry');
    mock.timers.tick(1);
    // Connect lists no job, so the handle leads nowhere once the record is gone.
    assert.equal(await registry.resolve(record.handle), undefined, 'forgotten after 10 minutes');
    closing.abort();
    await registry.close();
  });

  it('keeps running renders past 10 minutes', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { registry, renders, closing } = setUp();
    const refresh = registry.refresh('sales', REPORT, WHO);
    await until(renders, 1);
    renders[0]!.resolve(STARTED);
    const { record } = await refresh;

    mock.timers.tick(FINISHED_RENDER_TTL_MS * 2);
    assert.equal(await registry.resolve(record.handle), record);
    assert.equal(registry.runningRender('sales', null), record);
    closing.abort();
    await registry.close();
  });

  it('resolves no handle of another secret', async () => {
    const { registry, closing } = setUp();
    const other = new HandleSigner().issue({
      report: 'sales',
      variant: null,
      renderId: 'r'.repeat(22),
      startedAt: new Date(),
    });
    assert.equal(await registry.resolve(other), undefined);
    closing.abort();
    await registry.close();
  });
});
