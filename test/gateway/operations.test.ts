import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ConnectUnreachableError, type ConnectClient } from '../../src/connect/index.js';
import { isLoopbackAddress } from '../../src/gateway/auth/address-blocks.js';
import { NOT_READY_TTL_MS, READY_TTL_MS, ReadinessProbe } from '../../src/gateway/health.js';
import {
  buildGateway,
  checkListenAddress,
  GatewayConfigError,
  parseGatewayConfig,
  startGateway,
} from '../../src/gateway/index.js';
import {
  FORBIDDEN_GUID,
  GATEWAY_CONFIG,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  unusedLocalUrl,
  type Harness,
} from './harness.js';

const silentLogger = {
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  error: () => undefined,
} as unknown as FastifyBaseLogger;

describe('health routes', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  it('answers healthz', async () => {
    const response = await harness.request('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('answers readyz when Connect answers', async () => {
    const response = await harness.request('/readyz');
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('answers readyz 503 with the reason', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [await unusedLocalUrl(), harness.apiKey, /^Connect could not be reached/],
      [harness.standInUrl, 'not-the-key-0123456789', /API key .* is invalid or expired/],
    ];
    for (const [server, apiKey, reason] of cases) {
      const app = await buildGateway({ config: GATEWAY_CONFIG, connect: { server, apiKey } });
      try {
        await assertNotReady(app, apiKey, reason);
      } finally {
        await app.close();
      }
    }
  });

  it('answers readyz 503 for a view-only key', async () => {
    // The gateway's key may view the forbidden report but not list its jobs or render it.
    const config = parseGatewayConfig({ reports: { forbidden: { guid: FORBIDDEN_GUID } } });
    const app = await buildGateway({
      config,
      connect: { server: harness.standInUrl, apiKey: harness.apiKey },
    });
    try {
      await assertNotReady(app, harness.apiKey, /HTTP 403.*collaborator rights/);
    } finally {
      await app.close();
    }
  });
});

describe('Connect check at start', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  const CHECK_FAILED = 'Connect check at start failed; check CONNECT_SERVER and CONNECT_API_KEY. ' +
    'Requests that need Connect fail until this is fixed, and /readyz reports it';

  it('logs that Connect accepts the key', async () => {
    const h = await startHarness({ gateway: { checkConnectAtStart: true } });
    try {
      await h.logs.waitFor((entry) => entry.msg === 'Connect accepts the API key and lets it read the first report');
      assert.equal(h.logs.entries(CHECK_FAILED).length, 0);
    } finally {
      await h.close();
    }
  });

  it('warns about a rejected key', async () => {
    const h = await startHarness({ gateway: { checkConnectAtStart: true }, gatewayApiKey: 'not-the-key-0123456789' });
    try {
      const warning = await h.logs.waitFor((entry) => entry.msg === CHECK_FAILED);
      assert.match(String(warning.reason), /API key .* is invalid or expired/);
      assert.equal(warning.connectServer, h.standInUrl);
      const served = await h.request('/healthz');
      assert.equal(served.status, 200, 'the gateway keeps serving');
      h.assertNoSecretsShown();
    } finally {
      await h.close();
    }
  });
});

/** Asserts that readyz returns 503 with a reason matching `reason`, while healthz stays 200. */
async function assertNotReady(app: FastifyInstance, apiKey: string, reason: RegExp) {
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(response.statusCode, 503, response.body);
  const body = response.json();
  assert.equal(body.status, 'unavailable');
  assert.match(body.reason, reason);
  assert.ok(!response.body.includes(apiKey), 'the answer contains the key');
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200, 'healthz stays 200 while Connect is down');
}

describe('ReadinessProbe', () => {
  function probeWith(outcomes: Array<'ok' | 'fail'>) {
    let nowMs = 0;
    const calls: string[] = [];
    const client = {
      getContent: async (guid: string) => {
        calls.push(guid);
        if (outcomes.shift() === 'fail') {
          const details = { method: 'GET', path: `/v1/content/${guid}`, timedOut: false };
          throw new ConnectUnreachableError('connection refused', details);
        }
        return { guid, title: 'Sales' };
      },
      listJobs: async () => [],
    } as unknown as ConnectClient;
    const probe = new ReadinessProbe(
      client,
      { name: 'sales', guid: SALES_GUID },
      silentLogger,
      () => nowMs,
    );
    return { probe, calls, advance: (ms: number) => (nowMs += ms) };
  }

  it('caches success for 30 seconds', async () => {
    const { probe, calls, advance } = probeWith(['ok', 'fail']);
    assert.deepEqual(await probe.check(), { ready: true });
    advance(READY_TTL_MS - 1);
    assert.deepEqual(await probe.check(), { ready: true });
    assert.equal(calls.length, 1);
    advance(1);
    assert.equal((await probe.check()).ready, false);
    assert.deepEqual(calls, [SALES_GUID, SALES_GUID]);
  });

  it('caches failure for 5 seconds', async () => {
    const { probe, calls, advance } = probeWith(['fail', 'ok']);
    const failed = await probe.check();
    assert.equal(failed.ready, false);
    assert.match(failed.ready ? '' : failed.reason, /could not be reached/);
    advance(NOT_READY_TTL_MS - 1);
    assert.equal((await probe.check()).ready, false);
    assert.equal(calls.length, 1);
    advance(1);
    assert.deepEqual(await probe.check(), { ready: true });
    assert.equal(calls.length, 2);
  });

  it('shares one call among concurrent checks', async () => {
    const { probe, calls } = probeWith(['ok']);
    const results = await Promise.all([probe.check(), probe.check(), probe.check()]);
    assert.equal(calls.length, 1);
    assert.ok(results.every((result) => result.ready));
  });
});

describe('listen address rule', () => {
  const unset = parseGatewayConfig({ reports: { sales: { guid: SALES_GUID } } });

  it('knows loopback addresses', () => {
    const loopback = ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'];
    for (const host of loopback) {
      assert.equal(isLoopbackAddress(host), true, host);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '::ffff:10.0.0.1']) {
      assert.equal(isLoopbackAddress(host), false, host);
    }
  });

  it('refuses other addresses without anonymous set', async () => {
    assert.doesNotThrow(() => checkListenAddress(unset, '127.0.0.1'));
    // startGateway checks before it binds, so this test never listens on 0.0.0.0.
    await assert.rejects(
      startGateway({
        config: unset,
        connect: { server: 'http://127.0.0.1:9', apiKey: 'unused' },
        host: '0.0.0.0',
        port: 0,
      }),
      (error: Error) => {
        assert.ok(error instanceof GatewayConfigError);
        assert.match(error.message, /^The gateway does not start on 0\.0\.0\.0:/);
        assert.match(error.problems[0]!, /^auth\.anonymous: not set, and 0\.0\.0\.0 is not a loop/);
        assert.match(error.problems[0]!, /set it to true .* or to false to require credentials$/);
        return true;
      },
    );
  });

  it('accepts other addresses once anonymous is set', () => {
    for (const anonymous of [true, false]) {
      const config = parseGatewayConfig({
        auth: {
          anonymous,
          bearer_tokens: [{ name: 'cron', sha256: 'ab'.repeat(32) }],
        },
        reports: { sales: { guid: SALES_GUID } },
      });
      assert.doesNotThrow(() => checkListenAddress(config, '0.0.0.0'));
    }
  });
});

describe('JWT secret at start', () => {
  const config = parseGatewayConfig({
    auth: { jwt: { algorithm: 'HS256', secret_env: 'TEST_JWT_SECRET' } },
    reports: { sales: { guid: SALES_GUID } },
  });
  const connect = { server: 'http://127.0.0.1:9', apiKey: 'unused' };

  it('refuses to build without the secret', async () => {
    for (const env of [{}, { TEST_JWT_SECRET: 'short' }]) {
      await assert.rejects(buildGateway({ config, connect, env }), (error: Error) => {
        assert.ok(error instanceof GatewayConfigError);
        assert.match(error.problems[0]!, /^auth\.jwt\.secret_env: environment variable TEST_JWT/);
        return true;
      });
    }
  });

  it('builds with a long enough secret', async () => {
    const env = { TEST_JWT_SECRET: 'x'.repeat(32) };
    const app = await buildGateway({ config, connect, env });
    await app.close();
  });
});
