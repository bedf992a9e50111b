import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandleSigner } from '../../src/gateway/handles.js';
import { loggedPath } from '../../src/gateway/request-log.js';
import { SERVER_TEST_TIMEOUT_MS, startHarness, type Harness, type LogEntry } from './harness.js';

describe('loggedPath', () => {
  const signer = new HandleSigner();
  const claims = {
    report: 'sales',
    variant: null,
    renderId: 'AAAAAAAAAAAAAAAAAAAAAA',
    startedAt: new Date(0),
    expiresAt: new Date(60_000),
  };

  it('drops the query string', () => {
    assert.equal(loggedPath('/v1/reports/sales?token=secret'), '/v1/reports/sales');
    assert.equal(loggedPath('/healthz?'), '/healthz');
  });

  it('drops the scheme and host', () => {
    assert.equal(loggedPath('http://gateway.test/v1/reports/sales?x=1'), '/v1/reports/sales');
  });

  it('shows handles as their render id', () => {
    const handle = signer.issue(claims);
    assert.equal(loggedPath(`/v1/renders/${handle}?wait=30`), `/v1/renders/${claims.renderId}`);
  });

  it('shows a cancelled handle as its render id', () => {
    const handle = signer.issue(claims);
    assert.equal(loggedPath(`/v1/renders/${handle}/cancel`), `/v1/renders/${claims.renderId}/cancel`);
    assert.equal(loggedPath(`/v1/renders/${'x'.repeat(300)}/cancel`), '/v1/renders/xxxxxxxx…/cancel');
    assert.equal(loggedPath(`/v1/renders/${handle}/${'c'.repeat(100)}`),
      `/v1/renders/${claims.renderId}/${'c'.repeat(64)}…`);
  });

  it('cuts handles without a render id', () => {
    assert.equal(loggedPath(`/v1/renders/${'x'.repeat(300)}`), '/v1/renders/xxxxxxxx…');
    assert.equal(loggedPath('/v1/renders/short'), '/v1/renders/short');
  });

  it('cuts long segments', () => {
    const logged = loggedPath(`/v1/reports/${'n'.repeat(500)}/refresh`);
    assert.equal(logged, `/v1/reports/${'n'.repeat(64)}…/refresh`);
  });
});

describe('request log lines', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  function requestEntries(): LogEntry[] {
    return harness.logs.entries('incoming request');
  }

  it('logs paths without query or handle', async () => {
    const refresh = await harness.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    const handle: string = refresh.body.handle;
    const audit = harness.logs.entries('refresh').at(-1);
    const renderId = audit?.handle_id;
    assert.equal(typeof renderId, 'string');

    const marker = 'qmarker';
    const progress = await harness.request(`/v1/renders/${handle}?wait=${marker}`);
    assert.equal(progress.status, 400, progress.text);
    const status = await harness.request(`/v1/reports/sales?${marker}=1`);
    assert.equal(status.status, 200, status.text);

    const urls = requestEntries().map((entry) => entry.req?.url);
    assert.ok(urls.includes(`/v1/renders/${String(renderId)}`), urls.join(' '));
    assert.ok(urls.includes('/v1/reports/sales'), urls.join(' '));
    const [payload] = handle.split('.');
    for (const line of harness.logs.lines) {
      assert.ok(!line.includes(marker), `a log line contains the query: ${line}`);
      assert.ok(!line.includes(payload!), `a log line contains the handle: ${line}`);
    }

    await harness.finishRender('sales', [], 0);
    await harness.awaitOutcome(handle);
  });
});
