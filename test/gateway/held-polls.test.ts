import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SERVER_TEST_TIMEOUT_MS, startHarness, type Harness, type LogEntry } from './harness.js';

const WAITING_LINE = 'render started, waiting for the test';
/** More held progress requests than Node's default of 10 listeners per event target. */
const HELD_POLLS = 12;

describe('held progress requests', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  afterEach(async () => {
    process.off('warning', onWarning);
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('holds many polls without leak warning', async () => {
    process.on('warning', onWarning);
    const h = (harness = await startHarness());
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    let next = 0;
    let output: string[] = [];
    while (!output.includes(WAITING_LINE)) {
      const progress = await h.request(`/v1/renders/${refresh.body.handle}?after=${next}&wait=2`);
      assert.equal(progress.status, 200, progress.text);
      output = [...output, ...progress.body.output];
      next = progress.body.next;
    }

    const firstLine = h.logs.lines.length;
    const entriesSince = (message: string) => h.logs.lines
      .slice(firstLine)
      .map((line) => JSON.parse(line) as LogEntry)
      .filter((entry) => entry.msg === message && entry.req?.url?.startsWith('/v1/renders/') !== false);
    const polls = Array.from({ length: HELD_POLLS }, () =>
      h.request(`/v1/renders/${refresh.body.handle}?after=${next}&wait=30`));
    // After logging a poll's request, the gateway starts holding it without waiting on I/O.
    await h.logs.waitFor(() => entriesSince('incoming request').length >= HELD_POLLS);
    await h.finishRender('sales', ['done'], 0);
    const responses = await Promise.all(polls);

    for (const response of responses) {
      assert.equal(response.status, 200, response.text);
    }
    assert.equal(entriesSince('Released a held progress request').length, HELD_POLLS);
    const leakWarnings = warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning');
    assert.deepEqual(leakWarnings.map((warning) => warning.message), []);
  });
});
