import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVER_TEST_TIMEOUT_MS, startHarness, type Harness } from './harness.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('GET /v1/reports/{name}', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    await harness.close();
  });

  it('returns the status shape', async () => {
    const before = Date.now();
    const response = await harness.request('/v1/reports/sales');
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(response.body).sort(), [
      'can_cancel',
      'last_rendered_at',
      'name',
      'recent_durations',
      'render',
      'server_time',
      'title',
      'variant',
    ]);
    assert.equal(response.body.name, 'sales');
    assert.equal(response.body.variant, null, 'the content\'s default variant');
    assert.deepEqual(response.body.recent_durations, [], 'no render has run yet');
    assert.equal(response.body.title, 'Sales by region');
    assert.equal(response.body.render, null);
    assert.equal(response.body.can_cancel, false, 'sales has no cancel list');
    assert.ok(
      response.body.last_rendered_at === null || ISO_TIME.test(response.body.last_rendered_at),
      `last_rendered_at: ${response.body.last_rendered_at}`,
    );
    assert.match(response.body.server_time, ISO_TIME);
    assert.ok(Date.parse(response.body.server_time) >= before - 1000);
  });

  it('falls back to the name without a title', async () => {
    const response = await harness.request('/v1/reports/quiet');
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.title, 'quiet');
  });

  it('lists the running render', async () => {
    const refresh = await harness.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);

    const response = await harness.request('/v1/reports/sales');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.render, {
      handle: refresh.body.handle,
      state: 'running',
      started_at: refresh.body.started_at,
    });

    await harness.finishRender('sales', [], 0);
    await harness.awaitOutcome(refresh.body.handle);
    const afterwards = await harness.request('/v1/reports/sales');
    assert.equal(afterwards.body.render, null);
  });

  it('returns 404 for an unknown report', async () => {
    const response = await harness.request('/v1/reports/nope');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'unknown_report');
    assert.match(response.body.error.message, /No report "nope" is configured/);
  });

  it('does not echo an invalid report name', async () => {
    const response = await harness.request('/v1/reports/%3Cscript%3E');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'unknown_report');
    assert.ok(!response.text.includes('script'), response.text);
  });

  it('returns 405 for other methods', async () => {
    const response = await harness.request('/v1/reports/sales', { method: 'DELETE' });
    assert.equal(response.status, 405);
    assert.equal(response.body.error.code, 'method_not_allowed');
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
  });

  it('returns 404 for an unknown route', async () => {
    const response = await harness.request('/v2/reports/sales');
    assert.equal(response.status, 404);
    assert.deepEqual(Object.keys(response.body), ['error']);
    assert.match(response.body.error.message, /No such route/);
  });

  it('never shows the API key', () => {
    assert.ok(harness.logs.lines.length > 0, 'the gateway logged nothing');
    harness.assertNoSecretsShown();
  });
});
