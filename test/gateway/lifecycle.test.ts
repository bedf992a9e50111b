import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { afterEach, describe, it } from 'node:test';
import { unverifiedRenderId } from '../../src/gateway/handles.js';
import { loggedPath } from '../../src/gateway/request-log.js';
import {
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
  type HarnessOptions,
  type LogEntry,
} from './harness.js';

describe('held progress requests', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(options: HarnessOptions = {}): Promise<Harness> {
    harness = await startHarness(options);
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  /**
   * Resolves once the gateway has received a request for `url`, other than the request with
   * the id `skippedReqId`. Log lines give the path without the query, with the render id for
   * the handle.
   */
  function received(h: Harness, url: string, skippedReqId?: unknown): Promise<LogEntry> {
    const path = loggedPath(url);
    return h.logs.waitFor(
      (entry) =>
        entry.msg === 'incoming request' &&
        entry.req?.url === path &&
        entry.reqId !== skippedReqId,
    );
  }

  it('returns when the render finishes', async () => {
    const h = await start();
    const { body } = await h.refresh('sales');
    const url = `/v1/renders/${body.handle}?wait=30`;
    const heldRequest = h.request(url);
    await received(h, url);
    await h.finishRender('sales', ['done'], 0);

    const response = await heldRequest;
    assert.equal(response.status, 200);
    assert.equal(response.body.state, 'succeeded');
    assert.equal(response.body.output.at(-1), 'done');
  });

  it('releases held requests on close', { timeout: 20_000 }, async () => {
    const h = await start();
    const { body } = await h.refresh('sales');
    const url = `/v1/renders/${body.handle}?wait=30`;
    const heldRequest = h.request(url);
    await received(h, url);

    const closedAt = Date.now();
    await h.closeGateway();
    const response = await heldRequest;
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.state, 'running');
    assert.ok(Date.now() - closedAt < 10_000, 'close did not wait for the 30 s hold');
    const released = h.logs.entries('Released a held progress request');
    assert.equal(released[0]?.reason, 'closing');
  });

  it('answers 429 beyond the held limit', async () => {
    const h = await start({ gateway: { maxHeldRequests: 1 } });
    const { body } = await h.refresh('sales');
    const url = `/v1/renders/${body.handle}?wait=30`;
    const heldRequest = h.request(url);
    await received(h, url);

    const rejected = await h.request(`/v1/renders/${body.handle}?wait=5`);
    assert.equal(rejected.status, 429);
    assert.equal(rejected.body.error.code, 'rate_limited');
    assert.equal(rejected.headers.get('retry-after'), '1');
    const unheld = await h.request(`/v1/renders/${body.handle}?wait=0`);
    assert.equal(unheld.status, 200, 'requests that are not held still pass');

    await h.finishRender('sales', [], 0);
    assert.equal((await heldRequest).body.state, 'succeeded');
  });

  it('holds many requests without a warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const h = await start();
      // The quiet report shows no log lines, so only the timeout releases a held request.
      const { body } = await h.refresh('quiet');
      // Node warns of a possible leak once more than 10 listeners wait on one AbortSignal.
      // The requests overlap because each is held for its whole second while the render runs.
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => h.request(`/v1/renders/${body.handle}?wait=1`)),
      );

      for (const response of responses) {
        assert.equal(response.body.state, 'running');
      }
      const released = h.logs.entries('Released a held progress request');
      assert.deepEqual(released.map((entry) => entry.reason), Array(12).fill('timeout'));
      assert.deepEqual(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning'), []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('frees the slot of a client that left', async () => {
    const h = await start({ gateway: { maxHeldRequests: 1 } });
    const { body } = await h.refresh('sales');
    const url = `/v1/renders/${body.handle}?wait=30`;
    // node:http rather than fetch, because destroy() closes its socket at once.
    const abandoned = http.get(`${h.gatewayUrl}${url}`);
    const reset = once(abandoned, 'error');
    const incoming = await received(h, url);
    abandoned.destroy();
    await reset;
    const released = await h.logs.waitFor(
      (entry) => entry.reqId === incoming.reqId && entry.msg === 'Released a held progress request',
    );
    assert.equal(released.reason, 'client_gone');
    assert.ok(!JSON.stringify(released).includes(body.handle), 'the log line names no handle');
    assert.equal(released.handle_id, unverifiedRenderId(body.handle));

    const next = h.request(`/v1/renders/${body.handle}?wait=30&after=0`);
    await received(h, `/v1/renders/${body.handle}?wait=30&after=0`, incoming.reqId);
    await h.finishRender('sales', [], 0);
    const response = await next;
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.state, 'succeeded');
  });
});
