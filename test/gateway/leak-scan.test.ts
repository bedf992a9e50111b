import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { HandleSigner } from '../../src/gateway/handles.js';
import { echoLines, startEchoingConnect, type EchoingConnect } from './echoing-connect.js';
import { LeakScan } from './leak-scan.js';
import {
  QUIET_GUID,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

describe('LeakScan', () => {
  const secret = 'sk-test/secret+value=1234';

  it('finds a secret in any encoding', () => {
    const forms = [
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
    ];
    for (const form of forms) {
      const scan = new LeakScan();
      scan.record('response body', `{"message": "${form}"}`);
      assert.throws(() => scan.assertAbsent({ key: secret }), /response body contains the key/);
    }
  });

  it('finds a secret in a header or log line', () => {
    const scan = new LeakScan();
    scan.recordResponse('{}', new Headers({ 'x-debug': secret }));
    assert.throws(() => scan.assertAbsent({ key: secret }), /response header contains the key/);
    const clean = new LeakScan();
    assert.throws(
      () => clean.assertAbsent({ key: secret }, [`{"msg": "${secret}"}`]),
      /log line contains the key/,
    );
  });

  it('passes clean texts', () => {
    const scan = new LeakScan();
    scan.recordResponse('{"state": "running"}', new Headers({ 'content-type': 'text/plain' }));
    scan.assertAbsent({ key: secret }, ['{"msg": "incoming request"}']);
    assert.equal(scan.size, 2);
  });
});

/**
 * sales shows every line, quiet the lines of failed renders, and orders, the same content as
 * sales, has a cooldown.
 */
const CONFIG = parseGatewayConfig({
  reports: {
    sales: { guid: SALES_GUID, log: 'full' },
    quiet: { guid: QUIET_GUID, log: 'errors' },
    orders: { guid: SALES_GUID, log: 'full', cooldown_s: 600 },
  },
  rate_limit: { refresh_per_minute: 1000, reads_per_minute: 10_000 },
});

describe('secrets in a session', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** Render output that prints the gateway's secrets the ways a report might. */
  function leakyLines(h: Harness): string[] {
    return [
      `Sys.getenv("CONNECT_API_KEY") = ${h.apiKey}`,
      `Authorization: Key ${h.apiKey}`,
      `curl -H 'Authorization: Bearer ${h.handleSecret}'`,
      `url https://svc:${encodeURIComponent(h.handleSecret)}@connect.internal/`,
      `{"api_key": "${h.apiKey}"}`,
    ];
  }

  function post(h: Harness, name: string, body: string, contentType: string) {
    return h.request(`/v1/reports/${name}/refresh`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
  }

  it('shows neither the API key nor the handle secret', async () => {
    const h = await startHarness({ config: CONFIG, gateway: { jobPollMs: 50 } });
    harness = h;

    // A render that succeeds, followed with held requests.
    await h.request('/v1/reports/sales');
    const sales = await h.refresh('sales');
    assert.equal(sales.status, 202, sales.text);
    assert.equal((await h.refresh('sales')).body.joined, true);
    await h.finishRender('sales', leakyLines(h), 0);
    const succeeded = await h.awaitOutcome(sales.body.handle);
    assert.equal(succeeded.body.state, 'succeeded');
    assert.ok(succeeded.body.output.includes('Authorization: [redacted] [redacted]'));

    // A render that fails, exposing its last lines.
    const quiet = await h.refresh('quiet');
    await h.finishRender('quiet', leakyLines(h), 1);
    const failed = await h.awaitOutcome(quiet.body.handle);
    assert.equal(failed.body.state, 'failed');
    const exposed: string[] = failed.body.output.slice(-leakyLines(h).length);
    for (const line of exposed) {
      assert.match(line, /\[redacted\]/);
    }

    // Refused requests.
    const refused = [
      await post(h, 'sales', '{"variant_key": "x"}', 'application/json'),
      await post(h, 'sales', '{}', 'text/plain'),
      await post(h, 'nope', '{}', 'application/json'),
      await h.request('/v1/reports/sales/refresh'),
      await h.request('/v1/reports/sales', {
        headers: { authorization: `Key ${h.apiKey}` },
      }),
      await h.request('/v1/reports/sales', {
        headers: { authorization: `Bearer ${h.handleSecret}` },
      }),
    ];
    for (const response of refused) {
      assert.ok(response.status >= 200, String(response.status));
    }
    // orders is the content that sales rendered, so Connect's last render starts its cooldown.
    assert.equal((await h.refresh('orders')).status, 429, 'the cooldown refuses');

    // Bad handles.
    const otherSecret = new HandleSigner(randomBytes(32).toString('hex'));
    const badHandles = [
      randomBytes(24).toString('base64url'),
      `${sales.body.handle.slice(0, -1)}x`,
      sales.body.handle.slice(0, 40),
      otherSecret.issue({
        report: 'sales',
        variant: null,
        renderId: 'A'.repeat(22),
        startedAt: new Date(),
      }),
      'a'.repeat(2000),
    ];
    for (const handle of badHandles) {
      const response = await h.request(`/v1/renders/${handle}`);
      assert.ok(response.status >= 400, `${response.status} for ${handle.slice(0, 20)}`);
    }

    // An old handle after a restart.
    await h.restartGateway();
    assert.equal((await h.request(`/v1/renders/${failed.body.handle}`)).status, 200);

    assert.ok(h.scan.size > 40, `only ${h.scan.size} texts were recorded`);
    assert.ok(h.logs.lines.length > 40, `only ${h.logs.lines.length} log lines were written`);
    h.assertNoSecretsShown();

    const audits = h.logs.entries('refresh');
    const outcomes = new Set(audits.map((entry) => `${entry.outcome} ${entry.code ?? ''}`.trim()));
    for (const outcome of ['started', 'joined', 'refused cooldown']) {
      assert.ok(outcomes.has(outcome), `no refresh audit line with outcome ${outcome}`);
    }
    for (const entry of audits) {
      assert.ok(!JSON.stringify(entry).includes(sales.body.handle), 'no handle in audit lines');
    }
  });

  it('keeps secrets out of echoed task text', async () => {
    const jwtSecret = randomBytes(36).toString('base64');
    const handleSecret = randomBytes(36).toString('base64');
    let connect: EchoingConnect | undefined;
    try {
      connect = await startEchoingConnect([handleSecret, jwtSecret]);
      const config = parseGatewayConfig({
        auth: { jwt: { algorithm: 'HS256', secret_env: 'GATEWAY_JWT_SECRET' } },
        reports: {
          sales: { guid: SALES_GUID, log: 'full' },
          quiet: { guid: QUIET_GUID, log: 'errors' },
        },
      });
      const h = await startHarness({
        config,
        connectServer: connect.url,
        gateway: { handleSecret, env: { GATEWAY_JWT_SECRET: jwtSecret } },
      });
      harness = h;

      for (const name of ['sales', 'quiet']) {
        const refresh = await h.refresh(name);
        assert.equal(refresh.status, 202, refresh.text);
        const failed = await h.awaitOutcome(refresh.body.handle);
        assert.equal(failed.body.state, 'failed');
        assert.match(failed.body.error, /^Unable to render: key \[redacted\]/);
        // Both logs show every line: sales all of them, quiet the tail of its failed render.
        assert.equal(failed.body.output.length, echoLines('').length * 3);
        await h.request(`/v1/reports/${name}`);
      }
      assert.equal(connect.taskPolls, 2);
      const finished = h.logs.entries('render finished');
      assert.equal(finished.length, 2);
      for (const entry of finished) {
        assert.match(String(entry.reason), /\[redacted\]/);
      }

      h.assertNoSecretsShown();
      h.scan.assertAbsent({ 'JWT secret': jwtSecret }, h.logs.lines);
    } finally {
      await connect?.close();
    }
  });
});
