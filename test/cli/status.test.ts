import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGatewayConfig, startGateway } from '../../src/gateway/index.js';
import { FORBIDDEN_GUID, SALES_GUID, SHINY_GUID, startHarness, unusedLocalUrl, type Harness } from '../gateway/harness.js';
import { startCli } from './cli-process.js';
import {
  CLI_SUITE_TIMEOUT_MS,
  SCHEDULER_TOKEN,
  TOKEN_GATEWAY_CONFIG,
  assertNoSecret,
  awaitGatewayRenderEnd,
  awaitTaskEnd,
  parseUtc,
  printedJson,
} from './render-fixtures.js';

describe('status command', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let harness: Harness;
  let directEnv: NodeJS.ProcessEnv;
  const gatewayEnv = { CONNECT_REFRESH_TOKEN: SCHEDULER_TOKEN };

  before(async () => {
    harness = await startHarness({ config: TOKEN_GATEWAY_CONFIG });
    directEnv = { CONNECT_SERVER: harness.standInUrl, CONNECT_API_KEY: harness.apiKey };
    const started = await harness.connect.render(SALES_GUID);
    await harness.finishRender('sales', [], 0);
    await awaitTaskEnd(harness, started.taskId);
  });

  after(async () => {
    await harness.close();
  });

  it('prints JSON from Connect', async () => {
    const run = startCli(['status', SALES_GUID, '--json'], directEnv);
    assert.equal(await run.exited, 0, run.output());
    const status = printedJson(run);
    assert.equal(status.report, 'sales');
    assert.equal(status.guid, SALES_GUID);
    assert.equal(status.title, 'Sales by region');
    parseUtc(status.last_rendered_at);
    assert.equal(status.running, false);
    assert.equal(status.render, null);
    assert.equal(status.recent_durations.length, 1);
    assert.equal(typeof status.recent_durations[0], 'number');
  });

  it('prints JSON from a gateway', async () => {
    const run = startCli(['status', 'sales', '--gateway', harness.gatewayUrl, '--json'], gatewayEnv);
    assert.equal(await run.exited, 0, run.output());
    const status = printedJson(run);
    assert.equal(status.report, 'sales');
    assert.equal(status.guid, null);
    parseUtc(status.last_rendered_at);
    assert.equal(status.running, false);
    assert.equal(status.recent_durations.length, 1);
  });

  it('shows a render running on Connect in text', async () => {
    const started = await harness.connect.render(SALES_GUID);
    try {
      const run = startCli(['status', SALES_GUID], directEnv);
      assert.equal(await run.exited, 0, run.output());
      assert.match(run.stdout(), /^report: +sales \(6a3b4c5d-0000-4000-8000-00000000beef\)$/m);
      assert.match(run.stdout(), /^last rendered: +\d{4}-\d{2}-\d{2}T\S+ \(\d+:\d{2} ago\)$/m);
      assert.match(run.stdout(), /^rendering now: +yes, since \S+ \(job \S+\)$/m);
      assert.match(run.stdout(), /^recent renders: +[\d.]+ s \(typical \d+:\d{2}\)$/m);
    } finally {
      await harness.finishRender('sales', [], 0);
      await awaitTaskEnd(harness, started.taskId);
    }
  });

  it('shows a render running in the gateway in text', async () => {
    const refresh = await harness.request('/v1/reports/sales/refresh', {
      method: 'POST',
      headers: { authorization: `Bearer ${SCHEDULER_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(refresh.status, 202, refresh.text);
    const run = startCli(['status', 'sales', '--gateway', harness.gatewayUrl], gatewayEnv);
    assert.equal(await run.exited, 0, run.output());
    assert.match(run.stdout(), /^report: +sales$/m);
    assert.match(run.stdout(), /^rendering now: +yes, since \S+ \(task \S+\)$/m);

    await harness.finishRender('sales', [], 0);
    await awaitGatewayRenderEnd(harness, refresh.body.handle);
  });

  it('exits 3, 4 and 2 on failures', async () => {
    const unreachable = startCli(['status', SALES_GUID], { ...directEnv, CONNECT_SERVER: await unusedLocalUrl() });
    assert.equal(await unreachable.exited, 3, unreachable.output());

    const forbidden = startCli(['status', FORBIDDEN_GUID], directEnv);
    assert.equal(await forbidden.exited, 4, forbidden.output());

    const unknown = startCli(['status', 'nonexistent', '--gateway', harness.gatewayUrl], gatewayEnv);
    assert.equal(await unknown.exited, 2, unknown.output());

    const app = startCli(['status', SHINY_GUID], directEnv);
    assert.equal(await app.exited, 2, app.output());
    assert.match(app.output(), /is a shiny, not a rendered report/);
  });
});

describe('status command with an unwanted token', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  it('advises unsetting the token', async () => {
    // A gateway without bearer tokens or signed user tokens, which admits anonymous requests on
    // loopback. It rejects the token before it calls Connect, so no Connect server runs.
    const gateway = await startGateway({
      config: parseGatewayConfig({ reports: { sales: { guid: SALES_GUID, log: 'full' } } }),
      connect: { server: await unusedLocalUrl(), apiKey: 'unused-key' },
      host: '127.0.0.1',
      port: 0,
    });
    const token = 'token-for-another-gateway-5d2e';
    try {
      const run = startCli(['status', 'sales', '--gateway', gateway.url], { CONNECT_REFRESH_TOKEN: token });
      assert.equal(await run.exited, 3, run.output());
      assert.match(run.output(), /HTTP 401 unauthenticated: This gateway accepts no tokens/);
      assert.match(run.output(), /if this gateway accepts no tokens, unset CONNECT_REFRESH_TOKEN so that the command sends none\./);
      assertNoSecret(run, [token]);
    } finally {
      await gateway.close();
    }
  });
});
