import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, unusedLocalUrl, type Harness } from '../gateway/harness.js';
import { startCli, waitForOutput } from './cli-process.js';
import {
  CLI_SUITE_TIMEOUT_MS,
  CONNECT_TIMESTAMP,
  SCHEDULER_TOKEN,
  TOKEN_GATEWAY_CONFIG,
  activeJobKeys,
  awaitGatewayRenderEnd,
  assertNoSecret,
  parseUtc,
  printedJson,
} from './render-fixtures.js';

const RENDER_WAITING = /render started, waiting for the test/;

describe('render command through a gateway', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let harness: Harness;
  let env: NodeJS.ProcessEnv;
  const render = (...args: string[]) => startCli(['render', ...args, '--gateway', harness.gatewayUrl], env);

  before(async () => {
    harness = await startHarness({ config: TOKEN_GATEWAY_CONFIG });
    env = { CONNECT_REFRESH_TOKEN: SCHEDULER_TOKEN };
  });

  after(async () => {
    await harness.close();
  });

  it('exits 0 and prints JSON on success', async () => {
    const run = render('sales', '--json');
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', ['first line', 'second line'], 0);

    assert.equal(await run.exited, 0, run.output());
    const result = printedJson(run);
    assert.equal(result.report, 'sales');
    assert.equal(result.guid, null);
    assert.equal(typeof result.task, 'string');
    assert.equal(result.joined, false);
    assert.equal(result.state, 'succeeded');
    assert.equal(result.error, null);
    assert.ok(parseUtc(result.finished_at) >= parseUtc(result.started_at));
    assert.equal(typeof result.duration, 'number');
    assert.match(run.output(), /^render started, waiting for the test\nfirst line\nsecond line\n/m);
    assert.doesNotMatch(run.output(), CONNECT_TIMESTAMP);
    assertNoSecret(run, [SCHEDULER_TOKEN, harness.apiKey]);
  });

  it('redacts the token in the log', async () => {
    const run = render('sales');
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', [`echo ${SCHEDULER_TOKEN}`], 0);

    assert.equal(await run.exited, 0, run.output());
    assertNoSecret(run, [SCHEDULER_TOKEN]);
    assert.match(run.output(), /^echo \[redacted\]$/m);
  });

  it('exits 1 when the render fails', async () => {
    const run = render('sales', '--json');
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', ['Error: no rows'], 1);

    assert.equal(await run.exited, 1, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'failed');
    assert.equal(typeof result.error, 'string');
    assert.match(run.output(), /Error: no rows/);
  });

  it('exits 6 when a report owner cancels', async () => {
    const run = render('sales', '--json');
    await waitForOutput(run, RENDER_WAITING);
    const authorization = `Bearer ${SCHEDULER_TOKEN}`;
    const status = await harness.request('/v1/reports/sales', { headers: { authorization } });
    const cancel = await harness.request(`/v1/renders/${status.body.render.handle}/cancel`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(cancel.status, 200, cancel.text);

    assert.equal(await run.exited, 6, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'cancelled');
    assert.equal(result.error, 'A report owner cancelled the render.');
    assert.equal(typeof result.finished_at, 'string');
    assert.match(run.output(), /The render of sales was cancelled by a report owner after [\d.]+ s\./);
  });

  it('prints the handle with --no-wait, then joins', async () => {
    const first = render('sales', '--no-wait');
    assert.equal(await first.exited, 0, first.output());
    const handle = first.stdout().trim();
    assert.match(handle, /^\S+$/);
    assert.equal((await activeJobKeys(harness)).length, 1, 'the render goes on');

    const second = render('sales', '--json');
    await waitForOutput(second, /Joined the running render of sales/);
    await harness.finishRender('sales', ['done'], 0);
    assert.equal(await second.exited, 0, second.output());
    const result = printedJson(second);
    assert.equal(result.joined, true);
    assert.equal(result.state, 'succeeded');
    assert.match(second.output(), /done/);
  });

  it('exits 5 at the timeout and leaves the render running', async () => {
    const run = render('sales', '--timeout', '0.5', '--json');
    assert.equal(await run.exited, 5, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'running');
    assert.match(run.output(), /Timed out after 0\.5 s waiting for the render of sales/);
    assert.equal((await activeJobKeys(harness)).length, 1, 'the render goes on');

    await harness.finishRender('sales', [], 0);
    await awaitGatewayRenderEnd(harness, result.task);
  });

  it('exits 130 on SIGINT and leaves the render running', async () => {
    const run = render('sales', '--json');
    await waitForOutput(run, RENDER_WAITING);
    run.child.kill('SIGINT');

    assert.equal(await run.exited, 130, run.output());
    assert.match(run.output(), /Stopped waiting \(SIGINT\); the render of sales \(task \S+\) continues on Connect/);
    const result = printedJson(run);
    assert.equal(result.state, 'running');

    await harness.finishRender('sales', [], 0);
    await awaitGatewayRenderEnd(harness, result.task);
  });

  it('exits 3 on a wrong or missing token', async () => {
    const wrongToken = 'not-the-scheduler-token-41b7';
    const wrong = startCli(['render', 'sales', '--gateway', harness.gatewayUrl], { CONNECT_REFRESH_TOKEN: wrongToken });
    assert.equal(await wrong.exited, 3, wrong.output());
    assert.match(wrong.output(), /HTTP 401 unauthenticated/);
    assert.match(wrong.output(), /Check the token in CONNECT_REFRESH_TOKEN/);
    assertNoSecret(wrong, [wrongToken]);

    const missing = startCli(['render', 'sales', '--gateway', harness.gatewayUrl]);
    assert.equal(await missing.exited, 3, missing.output());
    assert.match(missing.output(), /Set CONNECT_REFRESH_TOKEN/);
  });

  it('exits 3 when the gateway is unreachable', async () => {
    const run = startCli(['render', 'sales', '--gateway', await unusedLocalUrl()], env);
    assert.equal(await run.exited, 3, run.output());
    assert.match(run.output(), /Cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('exits 4 when the token or the key may not render', async () => {
    const notListed = render('quiet');
    assert.equal(await notListed.exited, 4, notListed.output());
    assert.match(notListed.output(), /HTTP 403 forbidden/);

    const connectForbidden = render('forbidden');
    assert.equal(await connectForbidden.exited, 4, connectForbidden.output());
    assert.match(connectForbidden.output(), /HTTP 403 connect_forbidden/);
  });

  it('exits 2 on an unknown report or an invalid gateway', async () => {
    const unknown = render('nonexistent');
    assert.equal(await unknown.exited, 2, unknown.output());
    assert.match(unknown.output(), /unknown_report/);

    const badName = render('no spaces allowed');
    assert.equal(await badName.exited, 2, badName.output());
    assert.match(badName.output(), /is not a gateway report name/);

    const credentials = startCli(['render', 'sales', '--gateway', 'http://user:secret-in-url@127.0.0.1:1'], env);
    assert.equal(await credentials.exited, 2, credentials.output());
    assert.match(credentials.output(), /--gateway must not contain credentials/);
    assertNoSecret(credentials, ['secret-in-url']);
  });
});
