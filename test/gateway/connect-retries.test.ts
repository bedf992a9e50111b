import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
  type HarnessOptions,
} from './harness.js';

/** Retries within milliseconds, so that tests of retries run fast. */
const FAST_RETRY = { maxAttempts: 3, firstDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 5_000 };
const VARIANTS_PATH = `/__api__/applications/${SALES_GUID}/variants`;
const RENDER_PATH = '/__api__/v1/content/*/render';

describe('Connect retries', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(options: HarnessOptions = {}): Promise<Harness> {
    harness = await startHarness({
      ...options,
      gateway: { retry: FAST_RETRY, jobPollMs: 50, ...options.gateway },
    });
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  function retries(h: Harness, path: string) {
    return h.logs.entries('Connect request failed; retrying')
      .filter((entry) => entry.path === path);
  }

  it('retries a read after 503', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 503, method: 'GET', path: VARIANTS_PATH, times: 2 }],
    });
    const status = await h.request('/v1/reports/sales');
    assert.equal(status.status, 200, status.text);
    assert.equal(retries(h, VARIANTS_PATH).length, 2);
    assert.deepEqual(h.standIn.faults.current().requests, []);
  });

  it('waits for Retry-After on 429', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'rate-limit', retryAfterSeconds: 1, path: VARIANTS_PATH, times: 1 }],
    });
    const started = Date.now();
    const status = await h.request('/v1/reports/sales');
    assert.equal(status.status, 200, status.text);
    assert.ok(Date.now() - started >= 1_000, `answered after ${Date.now() - started} ms`);
    const [retry] = retries(h, VARIANTS_PATH);
    assert.equal(retry?.retryInMs, 1_000);
    assert.equal(retry?.connectStatus, 429);
  });

  it('gives up after the bounded attempts', async () => {
    const h = await start();
    h.standIn.faults.set({ requests: [{ kind: 'error', status: 503, path: VARIANTS_PATH }] });
    const status = await h.request('/v1/reports/sales');
    assert.equal(status.status, 503, status.text);
    assert.equal(status.body.error.code, 'connect_unavailable');
    assert.equal(retries(h, VARIANTS_PATH).length, FAST_RETRY.maxAttempts - 1);
  });

  it('skips a Retry-After beyond the bound', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 503, retryAfterSeconds: 60, path: VARIANTS_PATH }],
    });
    const status = await h.request('/v1/reports/sales');
    assert.equal(status.status, 503, status.text);
    assert.equal(retries(h, VARIANTS_PATH).length, 0);
  });

  it('reset render request starts one render', async () => {
    const h = await start();
    h.standIn.faults.set({ requests: [{ kind: 'reset', method: 'POST', path: RENDER_PATH }] });
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    assert.equal(refresh.body.joined, false);
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1);
    assert.equal(h.logs.entries('Adopted the render job that a failed render request started')
      .length, 1);

    await h.finishRender('sales', ['done'], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1, 'still one render');
  });

  it('502 after the render started adopts it', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 502, method: 'POST', path: RENDER_PATH, when: 'after' }],
    });
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1);
  });

  it('dropped render request is sent once more', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'drop', method: 'POST', path: RENDER_PATH, times: 1 }],
    });
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1);
    const resent = h.logs.entries(
      'Connect lists no render started by the failed render request; sending it once more');
    assert.equal(resent.length, 1);
  });

  it('render request fails after two attempts', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 503, method: 'POST', path: RENDER_PATH, times: 5 }],
    });
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 503, refresh.text);
    assert.equal(refresh.body.error.code, 'connect_unavailable');
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 0);
    assert.equal(h.standIn.faults.current().requests?.[0]?.times, 3, 'two render requests');
  });

  it('rejected render request is not resent', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 500, method: 'POST', path: RENDER_PATH, times: 5 }],
    });
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 503, refresh.text);
    assert.equal(h.standIn.faults.current().requests?.[0]?.times, 4, 'one render request');
  });

  it('rate-limited render request passes the wait on', async () => {
    const h = await start();
    h.standIn.faults.set({
      requests: [
        { kind: 'rate-limit', retryAfterSeconds: 7, method: 'POST', path: RENDER_PATH, times: 1 },
      ],
    });
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 503, refresh.text);
    assert.equal(refresh.body.error.code, 'connect_unavailable');
    assert.equal(refresh.headers.get('retry-after'), '7');
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 0, 'no render started');
  });
});
