import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

/** A signed handle: base64url payload, a dot, and an HMAC-SHA256 in base64url. */
const HANDLE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

describe('POST /v1/reports/{name}/refresh', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  async function jobCount(): Promise<number> {
    return (await harness.connect.listJobs(SALES_GUID)).length;
  }

  function post(body: string | undefined, contentType?: string): ReturnType<Harness['request']> {
    const headers: Record<string, string> = {};
    if (contentType !== undefined) {
      headers['content-type'] = contentType;
    }
    return harness.request('/v1/reports/sales/refresh', { method: 'POST', headers, body });
  }

  it('returns 202 while the render runs', async () => {
    const before = Date.now();
    const response = await harness.refresh('sales');
    assert.equal(response.status, 202, response.text);
    const fields = Object.keys(response.body).sort();
    assert.deepEqual(fields, ['handle', 'joined', 'started_at', 'state']);
    assert.match(response.body.handle, HANDLE);
    assert.equal(response.body.state, 'running');
    assert.equal(response.body.joined, false);
    assert.ok(Date.parse(response.body.started_at) >= before - 1000);

    // The render waits for finishRender, so the response cannot have waited for it.
    const progress = await harness.request(`/v1/renders/${response.body.handle}`);
    assert.equal(progress.body.state, 'running');
    const jobs = await harness.connect.listJobs(SALES_GUID);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.status, 0, 'the Connect job is still active');
  });

  it('joins the running render', async () => {
    const first = await harness.refresh('sales');
    const second = await harness.refresh('sales');
    assert.equal(second.status, 202, second.text);
    assert.equal(second.body.handle, first.body.handle);
    assert.equal(second.body.started_at, first.body.started_at);
    assert.equal(second.body.joined, true);
    assert.equal(await jobCount(), 1);
  });

  it('joins 20 concurrent refreshes', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => harness.refresh('sales')));
    for (const response of responses) {
      assert.equal(response.status, 202, response.text);
    }
    const handles = new Set(responses.map((response) => response.body.handle));
    assert.equal(handles.size, 1, 'every request got the same render');
    const started = responses.filter((response) => response.body.joined === false);
    assert.equal(started.length, 1, 'exactly one request started the render');
    assert.equal(await jobCount(), 1, 'Connect ran exactly one job');
  });

  it('starts a new render after the last one finished', async () => {
    const first = await harness.refresh('sales');
    await harness.finishRender('sales', [], 0);
    await harness.awaitOutcome(first.body.handle);

    const second = await harness.refresh('sales');
    assert.equal(second.status, 202, second.text);
    assert.equal(second.body.joined, false);
    assert.notEqual(second.body.handle, first.body.handle);
    assert.equal(await jobCount(), 2);
  });

  it('accepts an empty JSON body', async () => {
    const response = await post(undefined, 'application/json');
    assert.equal(response.status, 202, response.text);
    const withCharset = await post('{}', 'application/json; charset=utf-8');
    assert.equal(withCharset.status, 202, withCharset.text);
    assert.equal(withCharset.body.joined, true);
  });

  it('returns 415 without a JSON content type', async () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ['{}', 'text/plain'],
      ['{}', 'application/x-www-form-urlencoded'],
      [undefined, undefined],
      ['{}', undefined],
      [undefined, 'text/plain'],
    ];
    for (const [body, contentType] of cases) {
      const response = await post(body, contentType);
      const label = `${contentType} with body ${body}`;
      assert.equal(response.status, 415, label);
      assert.equal(response.body.error.code, 'unsupported_media_type', label);
      assert.match(response.body.error.message, /Content-Type: application\/json/, label);
    }
    assert.equal(await jobCount(), 0, 'no render started');
    assert.equal((await harness.request('/v1/reports/sales')).body.render, null);
  });

  it('returns 400 on any field', async () => {
    const response = await post('{"variant_key": "abc"}', 'application/json');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_request');
    assert.match(response.body.error.message, /Unknown field "variant_key"/);
    assert.equal(await jobCount(), 0, 'no render started');
  });

  it('returns 400 on bodies that are not {}', async () => {
    const cases: Array<[string, RegExp]> = [
      ['[]', /must be the empty JSON object/],
      ['null', /must be the empty JSON object/],
      ['"go"', /must be the empty JSON object/],
      ['{', /not valid JSON/],
      [`{"padding": "${'x'.repeat(2000)}"}`, /larger than 1024 bytes/],
    ];
    for (const [body, pattern] of cases) {
      const response = await post(body, 'application/json');
      assert.equal(response.status, 400, body.slice(0, 20));
      assert.equal(response.body.error.code, 'invalid_request');
      assert.match(response.body.error.message, pattern);
    }
    assert.equal(await jobCount(), 0, 'no render started');
  });

  it('names a prototype key in the body', async () => {
    const cases: Array<[string, string]> = [
      ['{"__proto__": {}}', '__proto__'],
      ['{"a": [{"__proto__": null}]}', 'a[0].__proto__'],
      ['{"constructor": {"prototype": {}}}', 'constructor.prototype'],
    ];
    for (const [body, field] of cases) {
      const response = await post(body, 'application/json');
      assert.equal(response.status, 400, body);
      assert.equal(response.body.error.code, 'invalid_request', body);
      const message: string = response.body.error.message;
      assert.ok(message.startsWith(`The request body's field ${field} is not allowed`), message);
    }
    assert.equal(await jobCount(), 0, 'no render started');
  });

  it('returns 404 for an unknown report', async () => {
    const response = await harness.refresh('nope');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'unknown_report');
  });

  it('returns 405 to GET', async () => {
    const response = await harness.request('/v1/reports/sales/refresh');
    assert.equal(response.status, 405);
    assert.equal(response.body.error.code, 'method_not_allowed');
    assert.equal(response.headers.get('allow'), 'POST');
  });
});

describe('GET /v1/renders/{handle}', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  it('returns 404 for a forged handle', async () => {
    const forged = randomBytes(24).toString('base64url');
    for (const handle of [forged, 'abc', `${forged}x`, encodeURIComponent('../reports/sales')]) {
      const response = await harness.request(`/v1/renders/${handle}`);
      assert.equal(response.status, 404, handle);
      assert.equal(response.body.error.code, 'unknown_render', handle);
    }
  });

  it('returns 400 on invalid query parameters', async () => {
    const { body } = await harness.refresh('sales');
    const cases: Array<[string, RegExp]> = [
      ['wait=31', /^Query parameter wait must be a decimal integer from 0 to 30; fix/],
      ['wait=-1', /wait must be a decimal integer from 0 to 30/],
      ['wait=1.5', /wait must be a decimal integer/],
      ['wait=%3Cscript%3Ealert(1)%3C%2Fscript%3E', /wait must be a decimal integer/],
      ['after=abc', /after must be a decimal integer/],
      ['after=1&after=2', /after was given more than once/],
      ['after=5', /after is 5, but the render has produced 0 lines/],
      ['since=3', /^Unknown query parameter; a render's progress takes only/],
      ['%3Cscript%3E=1', /^Unknown query parameter;/],
    ];
    for (const [query, pattern] of cases) {
      const response = await harness.request(`/v1/renders/${body.handle}?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'invalid_request', query);
      assert.match(response.body.error.message, pattern, query);
      for (const value of ['31', '1.5', 'abc', 'since', '<script>']) {
        assert.ok(!response.text.includes(value), `${query}: the body repeats ${value}`);
      }
    }
  });

  it('returns the progress shape', async () => {
    const { body } = await harness.refresh('sales');
    const response = await harness.request(`/v1/renders/${body.handle}?after=0&wait=0`);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), [
      'error',
      'finished_at',
      'handle',
      'last_rendered_at',
      'next',
      'output',
      'server_time',
      'started_at',
      'state',
      'stuck',
    ]);
    assert.equal(response.body.handle, body.handle);
    assert.equal(response.body.state, 'running');
    assert.equal(response.body.stuck, false);
    assert.equal(response.body.started_at, body.started_at);
    assert.equal(response.body.finished_at, null);
    assert.equal(response.body.error, null);
    assert.ok(Array.isArray(response.body.output));
    assert.equal(response.body.next, response.body.output.length);
  });
});
