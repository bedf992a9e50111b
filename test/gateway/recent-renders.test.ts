import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { requesterName, tokenIdentity, userIdentity, anonymousIdentity } from
  '../../src/gateway/auth/identity.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { BEARER_TOKENS, SCHEDULER_TOKEN } from './auth-fixtures.js';
import {
  REGIONS_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

const CONFIG = parseGatewayConfig({
  auth: { anonymous: true, bearer_tokens: BEARER_TOKENS },
  rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000 },
  reports: {
    regions: { guid: REGIONS_GUID, log: 'full', variants: ['apac'] },
    private: { guid: REGIONS_GUID, read: { tokens: ['nightly-scheduler'] } },
  },
});

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function awaitConnectTask(harness: Harness, taskId: string): Promise<void> {
  for (;;) {
    const task = await harness.connect.getTask(taskId, { wait: 10 });
    if (task.finished) {
      return;
    }
  }
}

/** Starts a render of the regions report through the gateway, with a token when given. */
async function refresh(harness: Harness, token?: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  const response = await harness.request('/v1/reports/regions/refresh', {
    method: 'POST',
    headers,
    body: '{}',
  });
  assert.equal(response.status, 202, response.text);
  return response.body.handle;
}

describe('requesterName', () => {
  it('names users and tokens only', () => {
    assert.equal(requesterName(userIdentity('jwt', 'alice', ['analysts'])), 'alice');
    assert.equal(requesterName(tokenIdentity('nightly-scheduler')), 'nightly-scheduler');
    assert.equal(requesterName(anonymousIdentity('203.0.113.9')), null, 'no client address');
    assert.equal(requesterName(null), null);
  });
});

describe('GET /v1/reports/{name}/renders', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('lists renders newest first', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));

    // First rendered on Connect itself, as a schedule would, with one render of the other
    // variant. Connect's job times are whole seconds, so these go first: a later render of
    // another source within the same second could otherwise sort before them.
    const scheduled = await h.connect.render(REGIONS_GUID, { variantKey: 'emea' });
    await h.finishRender('regions-emea', [], 0);
    await awaitConnectTask(h, scheduled.taskId);
    const otherVariant = await h.connect.render(REGIONS_GUID, { variantKey: 'apac' });
    await h.finishRender('regions-apac', [], 0);
    await awaitConnectTask(h, otherVariant.taskId);
    const byToken = await refresh(h, SCHEDULER_TOKEN);
    await h.finishRender('regions-emea', [], 0);
    await h.awaitOutcome(byToken);
    const anonymous = await refresh(h);
    await h.finishRender('regions-emea', ['Error: no data'], 1);
    await h.awaitOutcome(anonymous);

    const response = await h.request('/v1/reports/regions/renders');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(Object.keys(response.body).sort(), ['name', 'renders', 'server_time', 'variant']);
    assert.equal(response.body.name, 'regions');
    assert.equal(response.body.variant, null);
    const renders = response.body.renders;
    assert.deepEqual(
      renders.map((render: Record<string, unknown>) =>
        [render.state, render.started_by_gateway, render.started_by]),
      [
        ['failed', true, null],
        ['succeeded', true, 'nightly-scheduler'],
        ['succeeded', false, null],
      ],
    );
    for (const render of renders) {
      assert.deepEqual(Object.keys(render).sort(), [
        'duration', 'finished_at', 'started_at', 'started_by', 'started_by_gateway', 'state',
      ]);
      assert.ok(Date.parse(render.started_at) <= Date.parse(render.finished_at), render);
      assert.equal(typeof render.duration, 'number');
    }
    assert.match(renders[0].started_at, ISO_TIME, 'a gateway render has millisecond times');

    const status = await h.request('/v1/reports/regions');
    const succeeded = renders.filter((render: { state: string }) => render.state === 'succeeded');
    assert.deepEqual(status.body.recent_durations,
      succeeded.map((render: { duration: number }) => render.duration),
      'the status durations agree with the list');

    const limited = await h.request('/v1/reports/regions/renders?limit=2');
    assert.deepEqual(limited.body.renders, renders.slice(0, 2));
    const apac = await h.request('/v1/reports/regions/renders?variant=apac');
    assert.equal(apac.body.variant, 'apac');
    assert.equal(apac.body.renders.length, 1, 'only the apac render');
    assert.equal(apac.body.renders[0].started_by_gateway, false);
  });

  it('lists a running render', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));
    const handle = await refresh(h);
    const response = await h.request('/v1/reports/regions/renders');
    assert.equal(response.body.renders.length, 1, response.text);
    assert.equal(response.body.renders[0].state, 'running');
    assert.equal(response.body.renders[0].finished_at, null);
    assert.equal(response.body.renders[0].duration, null);
    await h.finishRender('regions-emea', [], 0);
    await h.awaitOutcome(handle);
  });

  it('validates the query', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));
    for (const query of ['limit=0', 'limit=51', 'limit=ten', 'limit=1&limit=2', 'page=2']) {
      const response = await h.request(`/v1/reports/regions/renders?${query}`);
      assert.equal(response.status, 400, `${query}: ${response.text}`);
      assert.equal(response.body.error.code, 'invalid_request', query);
    }
    const largest = await h.request('/v1/reports/regions/renders?limit=50');
    assert.equal(largest.status, 200, largest.text);
    const post = await h.request('/v1/reports/regions/renders', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('needs read permission', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));
    const refused = await h.request('/v1/reports/private/renders');
    assert.equal(refused.status, 401, refused.text);
    const allowed = await h.request('/v1/reports/private/renders', {
      headers: { authorization: `Bearer ${SCHEDULER_TOKEN}` },
    });
    assert.equal(allowed.status, 200, allowed.text);
  });
});
