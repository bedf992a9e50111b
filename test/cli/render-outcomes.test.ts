import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startCli } from './cli-process.js';
import type { FakeServer } from './fake-servers.js';
import { CLI_SUITE_TIMEOUT_MS, printedJson } from './render-fixtures.js';
import { progress, startScriptedGateway } from './scripted-gateway.js';

const STUCK_WARNING = /has run past the report's time limit and may be stuck/g;

describe('render command on lost and stuck renders', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let gateway: FakeServer | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('exits 3 when the gateway lost the render', async () => {
    gateway = await startScriptedGateway([
      progress({ output: ['processing file: report.Rmd'], next: 1 }),
      progress({
        state: 'unknown',
        next: 1,
        error: 'Connect no longer knows the render task.',
        finished_at: '2026-12-04T06:01:00.000Z',
      }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url, '--json']);

    assert.equal(await run.exited, 3, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'unknown');
    assert.equal(result.task, 'handle-1');
    assert.equal(result.finished_at, null);
    assert.equal(result.duration, null);
    assert.equal(result.error, 'Connect no longer knows the render task.');
    assert.match(run.output(), /The gateway lost the render of sales \(task handle-1\), so its outcome is unknown/);
    assert.match(run.output(), /it may or may not have finished/);
    assert.match(run.output(), /^processing file: report\.Rmd$/m);
  });

  it('warns once about a stuck render', async () => {
    gateway = await startScriptedGateway([
      progress({ stuck: true, output: ['chunk 1'], next: 1 }),
      progress({ stuck: true, output: ['chunk 2'], next: 2 }),
      progress({
        state: 'succeeded',
        next: 2,
        finished_at: '2026-12-04T06:09:00.000Z',
        last_rendered_at: '2026-12-04T06:09:00.000Z',
      }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url, '--json']);

    assert.equal(await run.exited, 0, run.output());
    assert.equal(printedJson(run).state, 'succeeded');
    const warnings = run.output().match(STUCK_WARNING) ?? [];
    assert.equal(warnings.length, 1, run.output());
    assert.match(run.output(), /^connect-refresh: Warning: the render of sales \(task handle-1\) has run past/m);
    assert.match(run.output(), /^chunk 2$/m);
  });

  it('prints no warning without the stuck field', async () => {
    const { stuck: _stuck, ...withoutStuck } = progress({ output: ['chunk 1'], next: 1 });
    gateway = await startScriptedGateway([
      withoutStuck,
      progress({ state: 'succeeded', next: 1, finished_at: '2026-12-04T06:02:00.000Z' }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url]);

    assert.equal(await run.exited, 0, run.output());
    assert.doesNotMatch(run.output(), STUCK_WARNING);
  });
});
