import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildGateway } from '../../src/gateway/index.js';
import {
  bearer,
  createSigningKeys,
  OTHER_TOKEN,
  refreshInit,
  SCHEDULER_TOKEN,
  type SigningKeys,
} from './auth-fixtures.js';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  unusedLocalUrl,
  type Harness,
} from './harness.js';

describe('per-client rate limits', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let keys: SigningKeys;
  let harness: Harness;

  before(async () => {
    keys = await createSigningKeys();
    harness = await startHarness({
      config: keys.config({
        auth: { anonymous: true },
        rate_limit: { refresh_per_minute: 2, reads_per_minute: 3 },
      }),
    });
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
    await keys.remove();
  });

  it('limits refreshes per client', async () => {
    const scheduler = refreshInit(bearer(SCHEDULER_TOKEN));
    const first = await harness.request('/v1/reports/sales/refresh', scheduler);
    assert.equal(first.status, 202, first.text);
    const second = await harness.request('/v1/reports/sales/refresh', scheduler);
    assert.equal(second.status, 202, second.text);

    const limited = await harness.request('/v1/reports/sales/refresh', scheduler);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    // The bucket regains a request every 30 s, so the wait depends on the time since the first
    // request. The limiter's own tests check exact waits with a manual clock.
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1, `Retry-After is ${retryAfter}`);
    assert.ok(retryAfter <= 30, `Retry-After is ${retryAfter}`);
    assert.equal(
      limited.body.error.message,
      'Too many refresh requests from token nightly-scheduler: the limit is 2 per minute. ' +
        `Try again in ${retryAfter} seconds.`,
    );
    const audit = harness.logs.entries('refresh').at(-1);
    assert.equal(audit?.outcome, 'refused');
    assert.equal(audit?.code, 'rate_limited');
    assert.equal(audit?.who, 'token nightly-scheduler');

    const other = await harness.request(
      '/v1/reports/sales/refresh',
      refreshInit(bearer(OTHER_TOKEN)),
    );
    assert.equal(other.status, 202, 'another client has its own limit');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 1);
    await harness.finishRender('sales', [], 0);
  });

  it('limits reads per client', async () => {
    const alice = { headers: bearer(await keys.sign({ sub: 'alice' })) };
    for (let i = 0; i < 3; i += 1) {
      const response = await harness.request('/v1/reports/quiet', alice);
      assert.equal(response.status, 200, `read ${i + 1}: ${response.text}`);
    }
    const limited = await harness.request('/v1/reports/quiet', alice);
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1, `Retry-After is ${retryAfter}`);
    assert.ok(retryAfter <= 20, `Retry-After is ${retryAfter}`);
    assert.match(limited.body.error.message, /^Too many status and progress requests from user/);

    const bob = { headers: bearer(await keys.sign({ sub: 'bob' })) };
    assert.equal((await harness.request('/v1/reports/quiet', bob)).status, 200);
    const progress = await harness.request('/v1/renders/not-a-handle', alice);
    assert.equal(progress.status, 429, 'progress requests share the read limit');
  });
});

describe('anonymous rate limits', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;
  let keys: SigningKeys;

  before(async () => {
    harness = await startHarness();
    keys = await createSigningKeys();
  });

  after(async () => {
    await harness.close();
    await keys.remove();
  });

  it('keys anonymous clients by address', async () => {
    const app = await buildGateway({
      config: keys.config({
        auth: { anonymous: true },
        rate_limit: { refresh_per_minute: 1, reads_per_minute: 1 },
      }),
      connect: { server: harness.standInUrl, apiKey: harness.apiKey },
    });
    try {
      const read = (remoteAddress: string) =>
        app.inject({ method: 'GET', url: '/v1/reports/quiet', remoteAddress });
      assert.equal((await read('192.0.2.1')).statusCode, 200);
      const limited = await read('192.0.2.1');
      assert.equal(limited.statusCode, 429);
      assert.match(limited.json().error.message, /from anonymous 192\.0\.2\.1:/);
      assert.equal((await read('192.0.2.2')).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});

describe('rate limits on failed credentials', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let keys: SigningKeys;

  before(async () => {
    keys = await createSigningKeys();
  });

  after(async () => {
    await keys.remove();
  });

  it('counts 401s against the client address', async () => {
    // Every request fails before any Connect call, so nothing needs to listen there.
    const app = await buildGateway({
      config: keys.config({
        auth: { anonymous: false },
        rate_limit: { refresh_per_minute: 2, reads_per_minute: 3 },
      }),
      connect: { server: await unusedLocalUrl(), apiKey: 'rate-limit-test-key' },
    });
    const guess = (i: number) => bearer(`guessed-token-${i}`);
    const refresh = (i: number, remoteAddress = '192.0.2.1') =>
      app.inject({
        method: 'POST',
        url: '/v1/reports/sales/refresh',
        headers: { ...guess(i), 'content-type': 'application/json' },
        payload: '{}',
        remoteAddress,
      });
    const read = (i: number) =>
      app.inject({
        method: 'GET',
        url: '/v1/reports/quiet',
        headers: guess(i),
        remoteAddress: '192.0.2.1',
      });
    try {
      for (let i = 0; i < 2; i += 1) {
        assert.equal((await refresh(i)).statusCode, 401, `refresh ${i + 1}`);
      }
      const limited = await refresh(2);
      assert.equal(limited.statusCode, 429, limited.body);
      assert.equal(limited.json().error.code, 'rate_limited');
      assert.match(limited.json().error.message, /^Too many refresh requests from 192\.0\.2\.1:/);
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(retryAfter >= 1, `Retry-After is ${retryAfter}`);
      assert.ok(retryAfter <= 30, `Retry-After is ${retryAfter}`);
      assert.equal((await refresh(3, '192.0.2.2')).statusCode, 401, 'another address');

      for (let i = 0; i < 3; i += 1) {
        assert.equal((await read(i)).statusCode, 401, `read ${i + 1}`);
      }
      const readLimited = await read(3);
      assert.equal(readLimited.statusCode, 429, readLimited.body);
      assert.ok(readLimited.headers['retry-after'] !== undefined, 'Retry-After is missing');
    } finally {
      await app.close();
    }
  });
});
