import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  FORBIDDEN_GUID,
  MISSING_GUID,
  SALES_GUID,
  SHINY_GUID,
  startHarness,
  unusedLocalUrl,
  type Harness,
} from '../gateway/harness.js';
import { startCli, waitForOutput } from './cli-process.js';
import {
  CLI_SUITE_TIMEOUT_MS,
  CONNECT_TIMESTAMP,
  activeJobKeys,
  assertNoSecret,
  awaitTaskEnd,
  parseUtc,
  printedJson,
} from './render-fixtures.js';

const RENDER_WAITING = /render started, waiting for the test/;

describe('render command against Connect', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let harness: Harness;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    harness = await startHarness();
    env = { CONNECT_SERVER: harness.standInUrl, CONNECT_API_KEY: harness.apiKey };
  });

  after(async () => {
    await harness.close();
  });

  it('exits 0 and prints JSON on success', async () => {
    const run = startCli(['render', SALES_GUID, '--json'], env);
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', ['chart written to index.html'], 0);

    assert.equal(await run.exited, 0, run.output());
    const result = printedJson(run);
    assert.deepEqual(Object.keys(result).sort(), [
      'duration', 'error', 'finished_at', 'guid', 'job', 'joined', 'report', 'started_at', 'state', 'task',
    ]);
    assert.equal(result.report, 'sales');
    assert.equal(result.guid, SALES_GUID);
    assert.equal(typeof result.task, 'string');
    assert.equal(result.job, null);
    assert.equal(result.joined, false);
    assert.equal(result.state, 'succeeded');
    assert.equal(result.error, null);
    const startedMs = parseUtc(result.started_at);
    const finishedMs = parseUtc(result.finished_at);
    assert.ok(finishedMs >= startedMs);
    assert.equal(result.duration, Math.round((finishedMs - startedMs) / 100) / 10);
    assertNoSecret(run, [harness.apiKey]);
  });

  it('reports a killed render as failed', async () => {
    const run = startCli(['render', SALES_GUID, '--json'], env);
    await waitForOutput(run, RENDER_WAITING);
    const [jobKey] = await activeJobKeys(harness);
    await harness.connect.killJob(SALES_GUID, jobKey!);

    assert.equal(await run.exited, 1, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'failed', 'Connect does not say who ended a job');
    assert.match(result.error, /signal: killed/);
  });

  it('streams the log without timestamps', async () => {
    const run = startCli(['render', SALES_GUID], env);
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', ['first line', 'second line'], 0);

    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /^render started, waiting for the test\nfirst line\nsecond line\n/m);
    assert.doesNotMatch(run.output(), CONNECT_TIMESTAMP);
    assert.ok(!run.output().includes('\x1b['), 'no terminal control codes off a terminal');
    assert.match(run.output(), /The render of sales succeeded in [\d.]+ s/);
    assert.equal(run.stdout(), '', 'nothing on standard output without --json');
  });

  it('redacts secrets in the log', async () => {
    const run = startCli(['render', SALES_GUID], env);
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', [`using key ${harness.apiKey}`, 'password=hunter2-log-secret'], 0);

    assert.equal(await run.exited, 0, run.output());
    assertNoSecret(run, [harness.apiKey, 'hunter2-log-secret']);
    assert.match(run.output(), /^using key \[redacted\]$/m);
    assert.match(run.output(), /^password=\[redacted\]$/m);
  });

  it('strips terminal escapes from the log', async () => {
    const run = startCli(['render', SALES_GUID], env);
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', ['\x1b]0;new title\x07\x1b[31mred\x1b[0m\tcell\x07'], 0);

    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /^red\tcell$/m);
    assert.ok(!run.output().includes('\x1b'), 'no escape character in the output');
    assert.ok(!run.output().includes('\x07'), 'no bell in the output');
  });

  it('exits 1 when the render fails', async () => {
    const run = startCli(['render', SALES_GUID, '--json'], env);
    await waitForOutput(run, RENDER_WAITING);
    await harness.finishRender('sales', ['Error: the data source is empty'], 3);

    assert.equal(await run.exited, 1, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'failed');
    assert.match(result.error, /exit status 3/);
    assert.match(run.output(), /Error: the data source is empty/);
    assert.match(run.output(), /The render of sales failed after [\d.]+ s/);
  });

  it('prints the task and exits with --no-wait', async () => {
    const run = startCli(['render', SALES_GUID, '--no-wait'], env);
    assert.equal(await run.exited, 0, run.output());
    const taskId = run.stdout().trim();
    assert.match(taskId, /^\S+$/);
    assert.match(run.output(), new RegExp(`Started a render of sales \\(task ${taskId}\\)`));
    assert.equal((await activeJobKeys(harness)).length, 1, 'the render goes on');

    await harness.finishRender('sales', [], 0);
    await awaitTaskEnd(harness, taskId);
  });

  it('joins a render job that runs', async () => {
    const started = await harness.connect.render(SALES_GUID);
    const [jobKey] = await activeJobKeys(harness);
    const run = startCli(['render', SALES_GUID, '--json'], env);
    await waitForOutput(run, /Joined the running render job/);
    await harness.finishRender('sales', ['not shown'], 0);

    assert.equal(await run.exited, 0, run.output());
    const result = printedJson(run);
    assert.equal(result.joined, true);
    assert.equal(result.task, null);
    assert.equal(result.job, jobKey);
    assert.equal(result.state, 'succeeded');
    assert.match(run.output(), /its log is not shown/);
    await awaitTaskEnd(harness, started.taskId);
    assert.deepEqual(await activeJobKeys(harness), [], 'no second render started');
  });

  it('exits 5 at the timeout and leaves the render running', async () => {
    const run = startCli(['render', SALES_GUID, '--timeout', '0.5', '--json'], env);
    assert.equal(await run.exited, 5, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'running');
    assert.equal(result.finished_at, null);
    assert.match(run.output(), /Timed out after 0\.5 s waiting for the render of sales \(task \S+\); it goes on/);
    assert.equal((await activeJobKeys(harness)).length, 1, 'the render goes on');

    await harness.finishRender('sales', [], 0);
    await awaitTaskEnd(harness, result.task);
  });

  it('exits 130 on SIGINT and leaves the render running', async () => {
    const run = startCli(['render', SALES_GUID], env);
    const [, taskId] = await waitForOutput(run, /Started a render of sales \(task (\S+)\)/);
    await waitForOutput(run, RENDER_WAITING);
    run.child.kill('SIGINT');

    assert.equal(await run.exited, 130, run.output());
    assert.match(run.output(), /Stopped waiting \(SIGINT\); the render of sales \(task \S+\) continues on Connect/);
    assert.equal((await activeJobKeys(harness)).length, 1, 'the render goes on');

    await harness.finishRender('sales', [], 0);
    await awaitTaskEnd(harness, taskId!);
  });

  it('exits 3 when Connect is unreachable', async () => {
    const run = startCli(['render', SALES_GUID], { ...env, CONNECT_SERVER: await unusedLocalUrl() });
    assert.equal(await run.exited, 3, run.output());
    assert.match(run.output(), /Cannot reach Connect at http:\/\/127\.0\.0\.1:\d+/);
    assertNoSecret(run, [harness.apiKey]);
  });

  it('exits 3 on a wrong API key', async () => {
    const wrongKey = 'wrong-key-9c2e51aa';
    const run = startCli(['render', SALES_GUID, '--json'], { ...env, CONNECT_API_KEY: wrongKey });
    assert.equal(await run.exited, 3, run.output());
    assert.match(run.output(), /HTTP 401/);
    assert.match(run.output(), /Set CONNECT_API_KEY to a valid key/);
    assert.equal(printedJson(run).state, null);
    assertNoSecret(run, [wrongKey]);
  });

  it('exits 4 when the key may not render', async () => {
    const run = startCli(['render', FORBIDDEN_GUID], env);
    assert.equal(await run.exited, 4, run.output());
    assert.match(run.output(), /HTTP 403/);
    assert.doesNotMatch(run.output(), /Started a render/i);
  });

  it('exits 2 on unknown or unrenderable content', async () => {
    const missing = startCli(['render', MISSING_GUID], env);
    assert.equal(await missing.exited, 2, missing.output());
    assert.match(missing.output(), new RegExp(`Check the GUID ${MISSING_GUID}`));

    const app = startCli(['render', SHINY_GUID], env);
    assert.equal(await app.exited, 2, app.output());
    assert.match(app.output(), /is a shiny, not a rendered report/);
  });

  it('exits 2 on invalid input', async () => {
    const cases: Array<{ args: string[]; env: NodeJS.ProcessEnv; message: RegExp }> = [
      { args: ['render', 'sales'], env, message: /"sales" is not a content GUID/ },
      { args: ['render', SALES_GUID], env: { CONNECT_API_KEY: 'k' }, message: /CONNECT_SERVER: not set/ },
      { args: ['render', SALES_GUID, '--timeout=-1'], env, message: /--timeout must be a number of seconds/ },
      { args: ['render', SALES_GUID, '--timeout', 'soon'], env, message: /--timeout must be a number of seconds/ },
      { args: ['render'], env, message: /Expected one report/ },
      { args: ['render', SALES_GUID, '--wait'], env, message: /Unknown option --wait\./ },
    ];
    for (const { args, env: caseEnv, message } of cases) {
      const run = startCli(args, caseEnv);
      assert.equal(await run.exited, 2, `${args.join(' ')}:\n${run.output()}`);
      assert.match(run.output(), message);
    }
  });
});
