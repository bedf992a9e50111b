import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
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
  LogCapture,
  type Harness,
  type LogEntry,
} from './harness.js';

/** Report lists: sales is closed for refresh and reading, quiet is open. */
const SALES_LISTS = {
  sales: {
    guid: SALES_GUID,
    log: 'full',
    refresh: { users: ['alice'], groups: ['analysts'], tokens: ['nightly-scheduler'] },
    read: { users: ['alice'], groups: ['staff'], tokens: ['nightly-scheduler'] },
  },
};

describe('authorization', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let keys: SigningKeys;
  let harness: Harness;

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

  async function start(auth: object = { anonymous: true }): Promise<Harness> {
    harness = await startHarness({ config: keys.config({ auth, reports: SALES_LISTS }) });
    return harness;
  }

  async function salesJobs(): Promise<number> {
    return (await harness.connect.listJobs(SALES_GUID)).length;
  }

  function refusals(): LogEntry[] {
    return harness.logs.entries('refresh').filter((entry) => entry.outcome === 'refused');
  }

  it('rejects anonymous refreshes of a listed report', async () => {
    const h = await start();
    const response = await h.request('/v1/reports/sales/refresh', refreshInit());
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 'unauthenticated');
    assert.equal(
      response.body.error.message,
      'Report sales needs a signed user token or a bearer token in the Authorization header ' +
        'to refresh it.',
    );
    assert.equal(await salesJobs(), 0, 'a render reached Connect');
    assert.equal(refusals()[0]?.who, 'anonymous 127.0.0.1');
    assert.equal(refusals()[0]?.code, 'unauthenticated');
  });

  it('admits anonymous refreshes of an open report', async () => {
    const h = await start();
    const response = await h.request('/v1/reports/quiet/refresh', refreshInit());
    assert.equal(response.status, 202, response.text);
    await h.finishRender('quiet', [], 0);
    await h.awaitOutcome(response.body.handle);
  });

  it('forbids a user not on the list', async () => {
    const h = await start();
    const token = await keys.sign({ sub: 'bob', groups: ['staff'] });
    const response = await h.request('/v1/reports/sales/refresh', refreshInit(bearer(token)));
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'forbidden');
    assert.match(response.body.error.message, /^user bob is not allowed to refresh report sales/);
    assert.equal(await salesJobs(), 0, 'a render reached Connect');
    assert.equal(refusals()[0]?.who, 'user bob');
    assert.equal(refusals()[0]?.code, 'forbidden');
    assert.ok(!h.logs.lines.some((line) => line.includes(token)), 'a log line has the token');
  });

  it('admits listed users, groups and tokens', async () => {
    const h = await start();
    const alice = await keys.sign({ sub: 'alice' });
    const analyst = await keys.sign({ sub: 'carol', groups: ['analysts'] });

    const first = await h.request('/v1/reports/sales/refresh', refreshInit(bearer(alice)));
    assert.equal(first.status, 202, first.text);
    for (const token of [analyst, SCHEDULER_TOKEN]) {
      const joined = await h.request('/v1/reports/sales/refresh', refreshInit(bearer(token)));
      assert.equal(joined.status, 202, joined.text);
      assert.equal(joined.body.joined, true);
    }
    assert.equal(await salesJobs(), 1);

    const audit = h.logs.entries('refresh').map((entry) => [entry.who, entry.outcome]);
    assert.deepEqual(audit, [
      ['user alice', 'started'],
      ['user carol', 'joined'],
      ['token nightly-scheduler', 'joined'],
    ]);
    await h.finishRender('sales', [], 0);
  });

  it('asks for a fresh token when it expired', async () => {
    const h = await start();
    const now = Math.floor(Date.now() / 1000);
    const expired = await keys.sign({ sub: 'alice', iat: now - 400, exp: now - 100 });
    const response = await h.request('/v1/reports/sales/refresh', refreshInit(bearer(expired)));
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 'token_expired');
    assert.equal(refusals()[0]?.code, 'token_expired');
    assert.equal(await salesJobs(), 0);
  });

  it('rejects bad credentials even for open reports', async () => {
    const h = await start();
    const response = await h.request('/v1/reports/quiet/refresh', refreshInit(bearer('guess')));
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, 'unauthenticated');
    assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  });

  it('closes reading to identities off the list', async () => {
    const h = await start();
    const staff = await keys.sign({ sub: 'dana', groups: ['staff'] });
    const outsider = await keys.sign({ sub: 'erin' });

    const anonymous = await h.request('/v1/reports/sales');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'unauthenticated');
    const forbidden = await h.request('/v1/reports/sales', { headers: bearer(outsider) });
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.error.message, /^user erin is not allowed to read report sales/);
    const allowed = await h.request('/v1/reports/sales', { headers: bearer(staff) });
    assert.equal(allowed.status, 200, allowed.text);
    const open = await h.request('/v1/reports/quiet');
    assert.equal(open.status, 200, open.text);
    assert.equal(refusals().length, 0, 'reads are not refresh audit lines');
  });

  it('applies the read list to render progress', async () => {
    const h = await start();
    const refreshed = await h.request(
      '/v1/reports/sales/refresh',
      refreshInit(bearer(SCHEDULER_TOKEN)),
    );
    assert.equal(refreshed.status, 202, refreshed.text);
    const path = `/v1/renders/${refreshed.body.handle}`;

    const anonymous = await h.request(path);
    assert.equal(anonymous.status, 401);
    const other = await h.request(path, { headers: bearer(OTHER_TOKEN) });
    assert.equal(other.status, 403);
    assert.match(other.body.error.message, /^token backup-job is not allowed to read report/);
    const allowed = await h.request(path, { headers: bearer(SCHEDULER_TOKEN) });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.body.state, 'running');

    await h.finishRender('sales', [], 0);
  });

  it('requires credentials when anonymous is off', async () => {
    const h = await start({ anonymous: false });
    const response = await h.request('/v1/reports/quiet');
    assert.equal(response.status, 401);
    assert.equal(
      response.body.error.message,
      'This gateway needs a signed user token or a bearer token in the Authorization header.',
    );
    const allowed = await h.request('/v1/reports/quiet', { headers: bearer(OTHER_TOKEN) });
    assert.equal(allowed.status, 200, allowed.text);
  });
});

describe('refused requests and Connect', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let keys: SigningKeys;
  let harness: Harness;
  let logs: LogCapture;

  before(async () => {
    keys = await createSigningKeys();
    harness = await startHarness();
  });

  beforeEach(() => {
    logs = new LogCapture();
  });

  after(async () => {
    await harness.close();
    await keys.remove();
  });

  it('makes no Connect call for refused requests', async () => {
    let connectCalls = 0;
    const app = await buildGateway({
      config: keys.config({ auth: { anonymous: true }, reports: SALES_LISTS }),
      connect: { server: harness.standInUrl, apiKey: harness.apiKey },
      fetch: (input, init) => {
        connectCalls += 1;
        return fetch(input, init);
      },
    });
    try {
      const bob = await keys.sign({ sub: 'bob' });
      const requests = [
        { method: 'GET' as const, url: '/v1/reports/sales' },
        { method: 'GET' as const, url: '/v1/reports/sales', headers: bearer(bob) },
        { method: 'POST' as const, url: '/v1/reports/sales/refresh', payload: {} },
        {
          method: 'POST' as const,
          url: '/v1/reports/sales/refresh',
          payload: {},
          headers: bearer(bob),
        },
        { method: 'GET' as const, url: '/v1/reports/quiet', headers: bearer('wrong') },
      ];
      for (const request of requests) {
        const response = await app.inject(request);
        assert.ok([401, 403].includes(response.statusCode), response.body);
      }
      assert.equal(connectCalls, 0);

      const open = await app.inject({ method: 'GET', url: '/v1/reports/quiet' });
      assert.equal(open.statusCode, 200, open.body);
      assert.ok(connectCalls > 0, 'the counter sees Connect calls');
    } finally {
      await app.close();
    }
  });

  it('authorizes handles before asking Connect', async () => {
    const handleSecret = 'a handle secret shared by both gateways, long enough';
    const config = keys.config({ auth: { anonymous: true }, reports: SALES_LISTS });
    const connect = { server: harness.standInUrl, apiKey: harness.apiKey };
    const issuer = await buildGateway({ config, connect, handleSecret });
    let handle: string;
    try {
      const refreshed = await issuer.inject({
        method: 'POST',
        url: '/v1/reports/sales/refresh',
        payload: {},
        headers: bearer(SCHEDULER_TOKEN),
      });
      assert.equal(refreshed.statusCode, 202, refreshed.body);
      handle = refreshed.json().handle;
    } finally {
      await issuer.close();
    }

    // A second gateway with the same secret does not hold the render in memory, so an
    // admitted request for the handle makes it read Connect's job list.
    let connectCalls = 0;
    const reader = await buildGateway({
      config,
      connect,
      handleSecret,
      fetch: (input, init) => {
        connectCalls += 1;
        return fetch(input, init);
      },
    });
    try {
      const url = `/v1/renders/${handle}`;
      const anonymous = await reader.inject({ method: 'GET', url });
      assert.equal(anonymous.statusCode, 401, anonymous.body);
      const other = await reader.inject({ method: 'GET', url, headers: bearer(OTHER_TOKEN) });
      assert.equal(other.statusCode, 403, other.body);
      assert.equal(connectCalls, 0);

      const allowed = await reader.inject({ method: 'GET', url, headers: bearer(SCHEDULER_TOKEN) });
      assert.equal(allowed.statusCode, 200, allowed.body);
      assert.ok(connectCalls > 0, 'the counter sees Connect calls');
    } finally {
      await reader.close();
    }
    await harness.finishRender('sales', [], 0);
  });

  it('audits refusals before the registry', async () => {
    const app = await buildGateway({
      config: keys.config({ auth: { anonymous: true }, reports: SALES_LISTS }),
      connect: { server: harness.standInUrl, apiKey: harness.apiKey },
      logger: { level: 'info', stream: logs.stream },
    });
    try {
      const form = await app.inject({
        method: 'POST',
        url: '/v1/reports/quiet/refresh',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'a=1',
      });
      assert.equal(form.statusCode, 415);
      const unknown = await app.inject({
        method: 'POST',
        url: '/v1/reports/nope/refresh',
        payload: {},
      });
      assert.equal(unknown.statusCode, 404);
      const status = await app.inject({ method: 'GET', url: '/v1/reports/sales' });
      assert.equal(status.statusCode, 401);
    } finally {
      await app.close();
    }
    const audit = logs.entries('refresh').map((entry) => [entry.report, entry.code, entry.who]);
    assert.deepEqual(audit, [
      ['quiet', 'unsupported_media_type', '127.0.0.1'],
      ['nope', 'unknown_report', 'anonymous 127.0.0.1'],
    ]);
  });

  it('reads users from a trusted proxy only', async () => {
    const app = await buildGateway({
      config: keys.config({
        auth: {
          anonymous: true,
          proxy: {
            user_header: 'X-Forwarded-User',
            groups_header: 'X-Forwarded-Groups',
            trusted_proxies: ['10.0.0.0/8'],
          },
        },
        reports: SALES_LISTS,
      }),
      connect: { server: harness.standInUrl, apiKey: harness.apiKey },
      logger: { level: 'info', stream: logs.stream },
    });
    const headers = { 'x-forwarded-user': 'dana', 'x-forwarded-groups': 'staff' };
    try {
      const trusted = await app.inject({
        method: 'GET',
        url: '/v1/reports/sales',
        headers,
        remoteAddress: '10.1.2.3',
      });
      assert.equal(trusted.statusCode, 200, trusted.body);
      const untrusted = await app.inject({
        method: 'GET',
        url: '/v1/reports/sales',
        headers,
        remoteAddress: '192.0.2.10',
      });
      assert.equal(untrusted.statusCode, 401, untrusted.body);
    } finally {
      await app.close();
    }
    const warnings = logs.entries(
      'Ignored a proxy identity header from an address that is not in auth.proxy.trusted_proxies',
    );
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.clientAddress, '192.0.2.10');
  });
});
