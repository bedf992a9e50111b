import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { StandInConfigError } from '../../src/stand-in/index.js';
import {
  awaitTask,
  KEYS,
  REPORT_GUID,
  startReportRender,
  startTestStandIn,
  type TestStandIn,
} from './helpers.js';

const CONTENT_PATH = `/__api__/v1/content/${REPORT_GUID}`;
const RENDER_PATH = `${CONTENT_PATH}/render`;
const JOBS_PATH = `${CONTENT_PATH}/jobs`;

/** Sends the render request and returns the response without reading its body. */
function postRender(test: TestStandIn): Promise<Response> {
  return fetch(`${test.url}${RENDER_PATH}`, {
    method: 'POST',
    headers: { authorization: `Key ${KEYS.publisher}` },
    body: '{}',
  });
}

async function jobCount(test: TestStandIn): Promise<number> {
  const answer = await test.request(JOBS_PATH, { as: 'publisher' });
  assert.equal(answer.status, 200);
  return answer.body.length as number;
}

describe('request faults', () => {
  let test: TestStandIn;
  afterEach(() => test.close());

  it('500 sends Connect error envelope', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'error', status: 500 }] });
    const answer = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, { code: 1, error: 'An internal failure occurred.', payload: null });
  });

  it('502 and 503 send proxy text', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [
      { kind: 'error', status: 502, times: 1 },
      { kind: 'error', status: 503, retryAfterSeconds: 7, times: 1 },
    ] });
    const bad = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(bad.status, 502);
    assert.equal(bad.text, '502 Bad Gateway\n');
    assert.match(bad.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(bad.headers.get('retry-after'), null);
    const unavailable = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.text, '503 Service Unavailable\n');
    assert.equal(unavailable.headers.get('retry-after'), '7');
    const healthy = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(healthy.status, 200);
  });

  it('rate limit sends 429 code 277', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'rate-limit', retryAfterSeconds: 3 }] });
    const answer = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(answer.status, 429);
    assert.equal(answer.headers.get('retry-after'), '3');
    assert.equal(answer.body.code, 277);
    assert.equal(answer.body.payload, null);
    assert.equal(typeof answer.body.error, 'string');
  });

  it('error before the route starts no render', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'error', status: 503, method: 'POST' }] });
    const response = await postRender(test);
    assert.equal(response.status, 503);
    await response.text();
    assert.equal(await jobCount(test), 0);
  });

  it('error after the route starts the render', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({
      requests: [{ kind: 'error', status: 502, method: 'POST', when: 'after' }],
    });
    const response = await postRender(test);
    assert.equal(response.status, 502);
    assert.equal(await response.text(), '502 Bad Gateway\n');
    assert.equal(await jobCount(test), 1);
  });

  it('reset sends headers then breaks', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'reset', path: '/__api__/v1/content/*/render' }] });
    const response = await postRender(test);
    assert.equal(response.status, 202);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    await assert.rejects(response.text());
    assert.equal(await jobCount(test), 1);
  });

  it('drop before sends nothing', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'drop', method: 'POST' }] });
    await assert.rejects(postRender(test));
    assert.equal(await jobCount(test), 0);
  });

  it('drop after starts the render', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'drop', method: 'POST', when: 'after' }] });
    await assert.rejects(postRender(test));
    assert.equal(await jobCount(test), 1);
  });

  it('latency delays the answer', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'latency', ms: 300, times: 1 }] });
    const started = Date.now();
    const answer = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(answer.status, 200);
    assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
    assert.deepEqual(test.standIn.faults.current().requests, []);
  });

  it('latency ends when the stand-in closes', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'latency', ms: 600_000 }] });
    const injected = test.logs.waitFor('fault injected');
    const answer = test.request(CONTENT_PATH, { as: 'publisher' });
    await injected;
    await test.standIn.close();
    assert.equal((await answer).status, 200);
  });

  it('latency and error apply together', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [
      { kind: 'latency', ms: 100 },
      { kind: 'error', status: 503 },
    ] });
    const started = Date.now();
    const answer = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(answer.status, 503);
    assert.ok(Date.now() - started >= 90);
  });

  it('method and path limit a fault', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [
      { kind: 'error', status: 500, method: 'GET', path: '/__api__/v1/tasks/*' },
    ] });
    const taskId = await startReportRender(test);
    const content = await test.request(CONTENT_PATH, { as: 'publisher' });
    assert.equal(content.status, 200);
    const poll = await test.request(`/__api__/v1/tasks/${taskId}`, { as: 'publisher' });
    assert.equal(poll.status, 500);
    const deeper = await test.request(`/__api__/v1/tasks/${taskId}/extra`, { as: 'publisher' });
    assert.equal(deeper.status, 404);
  });

  it('double star matches any rest', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'error', status: 503, path: '/__api__/**' }] });
    const api = await test.request(JOBS_PATH, { as: 'publisher' });
    assert.equal(api.status, 503);
    const output = await test.request(`/content/${REPORT_GUID}/`, { as: 'publisher' });
    assert.equal(output.status, 404);
  });

  it('times counts matching requests only', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({
      requests: [{ kind: 'error', status: 503, path: JOBS_PATH, times: 2 }],
    });
    assert.equal((await test.request(CONTENT_PATH, { as: 'publisher' })).status, 200);
    assert.equal(test.standIn.faults.current().requests?.[0]?.times, 2);
    assert.equal((await test.request(JOBS_PATH, { as: 'publisher' })).status, 503);
    assert.equal((await test.request(JOBS_PATH, { as: 'publisher' })).status, 503);
    assert.equal((await test.request(JOBS_PATH, { as: 'publisher' })).status, 200);
  });

  it('clear ends every fault', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'error', status: 500 }], stickyCookie: true });
    test.standIn.faults.clear();
    assert.equal((await test.request(CONTENT_PATH, { as: 'publisher' })).status, 200);
    assert.deepEqual(test.standIn.faults.current(),
      { requests: [], stickyCookie: false, hangingRenders: [] });
  });

  it('invalid settings keep the faults', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'error', status: 500 }] });
    const invalid = { requests: [{ kind: 'error', status: 404 }] };
    assert.throws(() => test.standIn.faults.set(invalid as never), (error: unknown) => {
      assert.ok(error instanceof StandInConfigError);
      assert.deepEqual(error.problems, ['requests[0].status: expected one of 500, 502, 503']);
      return true;
    });
    assert.equal((await test.request(CONTENT_PATH, { as: 'publisher' })).status, 500);
  });

  it('a render still finishes under faults', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'latency', ms: 20, path: '/__api__/v1/tasks/*' }] });
    const taskId = await startReportRender(test);
    const answer = await awaitTask(test, taskId);
    assert.equal(answer.body.code, 0);
  });
});
