import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { HandleSigner } from '../../src/gateway/handles.js';
import {
  bearer,
  createSigningKeys,
  OTHER_TOKEN,
  refreshInit,
  SCHEDULER_TOKEN,
  type SigningKeys,
} from './auth-fixtures.js';
import {
  QUIET_GUID,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
  type LogEntry,
} from './harness.js';

/**
 * Sales names the scheduler token as its owner. Quiet has no cancel list, so nobody may
 * cancel its renders.
 */
const REPORTS = {
  sales: { guid: SALES_GUID, log: 'full', cancel: { tokens: ['nightly-scheduler'] } },
  quiet: { guid: QUIET_GUID, log: 'none' },
};
const OWNER = bearer(SCHEDULER_TOKEN);
const STRANGER = bearer(OTHER_TOKEN);

describe('cancel route', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let keys: SigningKeys;
  let harness: Harness;
  /** Requests that the gateway sent to Connect, as `METHOD path`. */
  let connectCalls: string[];

  before(async () => {
    keys = await createSigningKeys();
  });

  after(async () => {
    await keys.remove();
  });

  afterEach(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  async function start(rateLimit: object = {}): Promise<Harness> {
    connectCalls = [];
    const recordingFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      connectCalls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      return fetch(input, init);
    };
    harness = await startHarness({
      config: keys.config({
        auth: { anonymous: true },
        reports: REPORTS,
        rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000, ...rateLimit },
      }),
      gateway: { fetch: recordingFetch },
    });
    return harness;
  }

  function cancel(handle: string, headers: Record<string, string> = OWNER) {
    return harness.request(`/v1/renders/${handle}/cancel`, refreshInit(headers));
  }

  function kills(): string[] {
    return connectCalls.filter((call) => call.startsWith('DELETE '));
  }

  function cancelAudit(): LogEntry[] {
    return harness.logs.entries('cancel');
  }

  async function startSales(): Promise<string> {
    const started = await harness.request('/v1/reports/sales/refresh', refreshInit(OWNER));
    assert.equal(started.status, 202, started.text);
    return started.body.handle as string;
  }

  it('cancels a running render', async () => {
    const h = await start();
    const handle = await startSales();
    const response = await cancel(handle);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.handle, handle);
    assert.equal(response.body.state, 'cancelled');
    assert.equal(response.body.error, 'A report owner cancelled the render.');
    assert.equal(typeof response.body.finished_at, 'string');
    assert.equal(typeof response.body.server_time, 'string');
    assert.equal(kills().length, 1);
    assert.match(kills()[0]!, new RegExp(`^DELETE /__api__/v1/content/${SALES_GUID}/jobs/\\w+$`));

    const progress = await h.awaitOutcome(handle);
    assert.equal(progress.body.state, 'cancelled');
    assert.equal(progress.body.error, 'A report owner cancelled the render.');
    const [job] = await h.connect.listJobs(SALES_GUID);
    assert.notEqual(job!.status, 0, 'the render job still runs on Connect');
  });

  it('releases the report for a new refresh', async () => {
    const h = await start();
    const handle = await startSales();
    await cancel(handle);
    const status = await h.request('/v1/reports/sales', { headers: OWNER });
    assert.equal(status.body.render, null);

    const next = await h.request('/v1/reports/sales/refresh', refreshInit(OWNER));
    assert.equal(next.status, 202, next.text);
    assert.equal(next.body.joined, false);
    assert.notEqual(next.body.handle, handle);
    await h.finishRender('sales', [], 0);
    assert.equal((await h.awaitOutcome(next.body.handle)).body.state, 'succeeded');
  });

  it('writes who cancelled to the audit log', async () => {
    const h = await start();
    const handle = await startSales();
    await cancel(handle);
    await h.awaitOutcome(handle);
    const [line] = cancelAudit();
    assert.equal(line?.report, 'sales');
    assert.equal(line?.who, 'token nightly-scheduler');
    assert.equal(line?.outcome, 'ordered');
    assert.equal(typeof line?.handle_id, 'string');
    const finished = await h.logs.waitFor((entry) => entry.msg === 'render finished');
    assert.equal(finished.state, 'cancelled');
    assert.equal(finished.cancelled_by, 'token nightly-scheduler');
    const ordered = h.logs.entries('Connect registered the order to end the render job');
    assert.equal(ordered[0]?.by, 'token nightly-scheduler');
  });

  it('status tells who may cancel', async () => {
    const h = await start();
    const owner = await h.request('/v1/reports/sales', { headers: OWNER });
    const stranger = await h.request('/v1/reports/sales', { headers: STRANGER });
    const anonymous = await h.request('/v1/reports/sales');
    const unlisted = await h.request('/v1/reports/quiet', { headers: OWNER });
    assert.equal(owner.body.can_cancel, true);
    assert.equal(stranger.body.can_cancel, false);
    assert.equal(anonymous.body.can_cancel, false);
    assert.equal(unlisted.body.can_cancel, false);
  });

  it('forbids a caller not on the list', async () => {
    const h = await start();
    const handle = await startSales();
    const response = await cancel(handle, STRANGER);
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'forbidden');
    assert.match(response.body.error.message, /^token backup-job is not allowed to cancel report sales/);
    assert.deepEqual(kills(), [], 'a kill order reached Connect');
    const [line] = cancelAudit();
    assert.equal(line?.outcome, 'refused');
    assert.equal(line?.code, 'forbidden');
    assert.equal(line?.who, 'token backup-job');
    assert.equal(line?.report, 'sales');

    await h.finishRender('sales', ['done'], 0);
    assert.equal((await h.awaitOutcome(handle)).body.state, 'succeeded', 'the render did not go on');
  });

  it('asks anonymous callers to sign in', async () => {
    const h = await start();
    const handle = await startSales();
    const response = await cancel(handle, {});
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 'unauthenticated');
    assert.deepEqual(kills(), []);
    await h.finishRender('sales', [], 0);
  });

  it('lets nobody cancel without a list', async () => {
    const h = await start();
    const started = await h.request('/v1/reports/quiet/refresh', refreshInit(OWNER));
    const response = await cancel(started.body.handle, OWNER);
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'forbidden');
    assert.match(response.body.error.message, /^Nobody may cancel renders of report quiet/);
    assert.deepEqual(kills(), []);
    await h.finishRender('quiet', [], 0);
    assert.equal((await h.awaitOutcome(started.body.handle)).body.state, 'succeeded');
  });

  it('reports the end of an ended render', async () => {
    const h = await start();
    const handle = await startSales();
    await h.finishRender('sales', [], 1);
    await h.awaitOutcome(handle);
    const response = await cancel(handle);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.state, 'failed');
    assert.deepEqual(kills(), [], 'a kill order reached Connect');
    assert.equal(cancelAudit()[0]?.outcome, 'ended');
  });

  it('unknown handle gives 404', async () => {
    await start();
    const response = await cancel('not-a-handle');
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'unknown_render');
    assert.equal(cancelAudit()[0]?.outcome, 'refused');
    assert.equal(cancelAudit()[0]?.code, 'unknown_render');
  });

  it('expired handle gives 404', async () => {
    const h = await start();
    const thirteenHoursAgo = Date.now() - 13 * 3_600_000;
    const expired = new HandleSigner(h.handleSecret).issue(
      { report: 'sales', variant: null, renderId: 'AAAAAAAAAAAAAAAAAAAAAA', startedAt: new Date(thirteenHoursAgo) },
      thirteenHoursAgo,
    );
    const response = await cancel(expired);
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'unknown_render');
    assert.deepEqual(kills(), []);
  });

  it('needs a JSON content type', async () => {
    const h = await start();
    const handle = await startSales();
    const response = await h.request(`/v1/renders/${handle}/cancel`, {
      method: 'POST',
      headers: { ...OWNER, 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(response.status, 415);
    assert.equal(response.body.error.code, 'unsupported_media_type');
    assert.equal(cancelAudit()[0]?.code, 'unsupported_media_type');
    await h.finishRender('sales', [], 0);
  });

  it('rejects a body with fields', async () => {
    const h = await start();
    const handle = await startSales();
    const response = await h.request(`/v1/renders/${handle}/cancel`, {
      method: 'POST',
      headers: { ...OWNER, 'content-type': 'application/json' },
      body: '{"force": true}',
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_request');
    assert.deepEqual(kills(), []);
    await h.finishRender('sales', [], 0);
  });

  it('shares the refresh rate limit', async () => {
    await start({ refresh_per_minute: 2 });
    const handle = await startSales();
    assert.equal((await cancel(handle, STRANGER)).status, 403, 'the stranger has a limit of its own');
    const first = await cancel(handle);
    assert.equal(first.status, 200, first.text);
    const second = await cancel(handle);
    assert.equal(second.status, 429);
    assert.equal(second.body.error.code, 'rate_limited');
    assert.match(second.body.error.message, /^Too many refresh and cancel requests from token nightly-scheduler/);
    assert.equal(cancelAudit().at(-1)?.code, 'rate_limited');
  });

  it('GET is not allowed', async () => {
    const h = await start();
    const response = await h.request('/v1/renders/abc/cancel', { headers: OWNER });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  it('logs the render id, not the handle', async () => {
    const h = await start();
    const handle = await startSales();
    await cancel(handle);
    const urls = h.logs.lines
      .map((line) => JSON.parse(line) as LogEntry)
      .map((entry) => entry.req?.url)
      .filter((url): url is string => url?.endsWith('/cancel') === true);
    assert.ok(urls.length > 0, 'no request log line for the cancel');
    assert.ok(urls.every((url) => !url.includes(handle)), 'a log line has the handle');
    assert.match(urls[0]!, /^\/v1\/renders\/[A-Za-z0-9_-]{22}\/cancel$/);
  });
});
