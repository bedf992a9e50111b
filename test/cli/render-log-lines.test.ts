import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import sinon from 'sinon';
import type { RenderSource, RenderStart } from '../../src/cli/render-source.js';
import { watchRender } from '../../src/cli/render-watch.js';
import { KNITR_1_42_STDOUT } from '../element/fixtures/render-logs.js';
import { startCli } from './cli-process.js';
import type { FakeServer } from './fake-servers.js';
import { CLI_SUITE_TIMEOUT_MS } from './render-fixtures.js';
import { progress, startScriptedGateway } from './scripted-gateway.js';

/** A progress bar that redraws itself with carriage returns and stays on screen at the end. */
const REDRAWN_BAR = '  |          |   0%\r  |.....     |  50%\r  |..........| 100%\r';
/** knitr 1.42's captured bar line: ten states, then spaces that erase the bar. */
const KNITR_BAR = KNITR_1_42_STDOUT[0]!;

/** Returns a render source whose render succeeds after sending `lines` as its log. */
function sourceSending(lines: string[]): RenderSource {
  const start: RenderStart = {
    report: 'sales', guid: null, task: 'handle-1', job: null, joined: false, startedAt: new Date(),
  };
  return {
    start: async () => start,
    recentDurations: async () => [],
    waitForEnd: async (_start, onLine) => {
      lines.forEach(onLine);
      return { state: 'succeeded', finishedAt: new Date(), error: null };
    },
    readStatus: async () => {
      throw new Error('not used');
    },
  };
}

/** Runs watchRender with `lines` as the log and returns everything it wrote to standard error. */
async function watchWithLog(lines: string[], isTTY: boolean): Promise<string[]> {
  const writes: string[] = [];
  const stderr = { isTTY, columns: 80, write: (text: string) => writes.push(text) };
  const result = await watchRender({
    source: sourceSending(lines), target: 'sales', wait: true, timeoutS: null, stderr,
    stopSignal: new AbortController().signal,
  });
  assert.equal(result.state, 'succeeded');
  return writes;
}

describe('render log lines with carriage returns', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-04T06:00:00Z'), toFake: ['setInterval', 'clearInterval'] });
  });

  afterEach(() => {
    clock.restore();
  });

  it('keeps the final state without a terminal', async () => {
    const writes = await watchWithLog(['before', REDRAWN_BAR, KNITR_BAR, 'after'], false);
    const logLines = writes.filter((text) => !text.startsWith('connect-refresh:'));

    assert.deepEqual(logLines, ['before\n', '  |..........| 100%\n', '\n', 'after\n']);
  });

  it('keeps the final state on a terminal', async () => {
    const writes = await watchWithLog([REDRAWN_BAR], true);

    const joined = '  |          |   0%  |.....     |  50%  |..........| 100%\n';
    assert.ok(!writes.some((text) => text.includes(joined)), `the states are not joined:\n${JSON.stringify(writes)}`);
    assert.ok(writes.some((text) => text.includes('  |..........| 100%\n')),
      `the final state is printed:\n${JSON.stringify(writes)}`);
  });
});

describe('render command log without a terminal', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let gateway: FakeServer | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('prints one state per redrawn line', async () => {
    gateway = await startScriptedGateway([
      progress({ output: ['processing file: report.Rmd', REDRAWN_BAR, KNITR_BAR, 'output file: report.knit.md'], next: 4 }),
      progress({ state: 'succeeded', next: 4, finished_at: '2026-12-04T06:01:00.000Z' }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url]);

    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /^processing file: report\.Rmd\n {2}\|\.{10}\| 100%\n\noutput file: report\.knit\.md$/m);
    assert.doesNotMatch(run.output(), /50%/, 'no earlier state of the bar');
  });
});
