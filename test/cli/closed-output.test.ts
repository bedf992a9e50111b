import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SALES_GUID, startHarness, type Harness } from '../gateway/harness.js';
import { startCli, waitForOutput } from './cli-process.js';
import { CLI_SUITE_TIMEOUT_MS, awaitTaskEnd, printedJson } from './render-fixtures.js';

const RENDER_WAITING = /render started, waiting for the test/;

describe('render command with closed output', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let harness: Harness;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    harness = await startHarness();
    env = { CONNECT_SERVER: harness.standInUrl, CONNECT_API_KEY: harness.apiKey };
  });

  after(async () => {
    await harness.close();
  });

  it('keeps waiting after stderr closes', async () => {
    const run = startCli(['render', SALES_GUID, '--json'], env);
    await waitForOutput(run, RENDER_WAITING);
    run.child.stderr!.destroy();
    await harness.finishRender('sales', ['a line to the closed pipe', 'and another'], 0);

    assert.equal(await run.exited, 0, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'succeeded');
  });

  it('exits with the render status after stdout closes', async () => {
    const run = startCli(['render', SALES_GUID, '--json'], env);
    const [, taskId] = await waitForOutput(run, /Started a render of sales \(task (\S+)\)/);
    await waitForOutput(run, RENDER_WAITING);
    run.child.stdout!.destroy();
    await harness.finishRender('sales', ['done'], 0);

    assert.equal(await run.exited, 0, run.output());
    assert.doesNotMatch(run.output(), /EPIPE|Error: write/);
    await awaitTaskEnd(harness, taskId!);
  });
});
