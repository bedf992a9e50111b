import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
  type HarnessOptions,
} from './harness.js';

const WAITING_LINE = 'render started, waiting for the test';

describe('following a render', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(options: HarnessOptions = {}): Promise<Harness> {
    harness = await startHarness(options);
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  /** Runs one render of the report to its end and returns the final progress response. */
  async function render(h: Harness, name: 'sales' | 'quiet', lines: string[], exitCode: number) {
    const refresh = await h.refresh(name);
    assert.equal(refresh.status, 202, refresh.text);
    await h.finishRender(name, lines, exitCode);
    return h.awaitOutcome(refresh.body.handle);
  }

  it('shows output before the render ends', async () => {
    // Connect keeps a task poll open until the task finishes, not until new output, so only
    // short upstream polls let the first line through while the render waits for its file.
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    let output: string[] = [];
    for (let attempt = 0; attempt < 3 && !output.includes(WAITING_LINE); attempt += 1) {
      const progress = await h.request(`/v1/renders/${refresh.body.handle}?wait=2`);
      assert.equal(progress.status, 200, progress.text);
      assert.equal(progress.body.state, 'running');
      output = progress.body.output;
    }
    assert.ok(output.includes(WAITING_LINE), output.join('\n'));

    await h.finishRender('sales', [], 0);
    await h.awaitOutcome(refresh.body.handle);
  });

  it('succeeds with output and a new last_rendered_at', async () => {
    const h = await start();
    const before = await h.request('/v1/reports/sales');
    const refresh = await h.refresh('sales');
    await h.finishRender('sales', ['rendered 3 charts', 'Output created: index.html'], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);

    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(outcome.body.error, null);
    assert.ok(outcome.body.output.includes(WAITING_LINE), outcome.text);
    const lastLines = outcome.body.output.slice(-2);
    assert.deepEqual(lastLines, ['rendered 3 charts', 'Output created: index.html']);
    assert.equal(outcome.body.next, outcome.body.output.length);
    const finishedAt = Date.parse(outcome.body.finished_at);
    assert.ok(finishedAt >= Date.parse(refresh.body.started_at));
    assert.ok(outcome.body.last_rendered_at !== null, 'last_rendered_at is set');
    assert.ok(Date.parse(outcome.body.last_rendered_at) >= Date.parse(refresh.body.started_at));
    assert.notEqual(outcome.body.last_rendered_at, before.body.last_rendered_at);

    const status = await h.request('/v1/reports/sales');
    assert.equal(status.body.last_rendered_at, outcome.body.last_rendered_at);
    assert.equal(status.body.render, null);

    const lastIndex = outcome.body.next - 1;
    const tail = await h.request(`/v1/renders/${refresh.body.handle}?after=${lastIndex}`);
    assert.deepEqual(tail.body.output, ['Output created: index.html']);
    assert.equal(tail.body.next, outcome.body.next);
  });

  it('fails on exit 1 and keeps last_rendered_at', async () => {
    const h = await start();
    const good = await render(h, 'sales', [], 0);
    assert.equal(good.body.state, 'succeeded');
    const before = await h.request('/v1/reports/sales');
    assert.notEqual(before.body.last_rendered_at, null);

    const outcome = await render(h, 'sales', ['Error: object "orders" not found'], 1);
    assert.equal(outcome.body.state, 'failed');
    assert.match(outcome.body.error, /exit status 1/);
    assert.ok(!outcome.body.error.includes('\n'), 'the reason is one line');
    assert.ok(outcome.body.error.length <= 200);
    assert.notEqual(outcome.body.finished_at, null);
    assert.equal(outcome.body.last_rendered_at, before.body.last_rendered_at);
    assert.ok(outcome.body.output.includes('Error: object "orders" not found'));

    const after = await h.request('/v1/reports/sales');
    assert.equal(after.body.last_rendered_at, before.body.last_rendered_at);
    const failures = h.logs
      .entries('render finished')
      .filter((entry) => entry.state === 'failed');
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.report, 'sales');
  });

  it('hides the output with log none', async () => {
    const h = await start();
    const outcome = await render(h, 'quiet', ['secret figures: 42'], 0);
    assert.equal(outcome.body.state, 'succeeded');
    assert.deepEqual(outcome.body.output, []);
    assert.equal(outcome.body.next, 0, 'next does not count hidden lines');
    assert.ok(!outcome.text.includes('secret figures'));

    const again = await h.request(`/v1/renders/${outcome.body.handle}?after=0`);
    assert.deepEqual(again.body.output, []);
    const beyond = await h.request(`/v1/renders/${outcome.body.handle}?after=1`);
    assert.equal(beyond.status, 400, 'no hidden line can be paged to');
  });

  it('renders through the legacy route', async () => {
    const h = await start({ standIn: { v1Render: false } });
    const outcome = await render(h, 'sales', ['legacy done'], 0);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(outcome.body.output.at(-1), 'legacy done');
    const started = h.logs.entries('Render started');
    assert.equal(started.length, 1);
    assert.equal(started[0]!.route, 'legacy');
  });

  it('treats first polls of 404 as pending', async () => {
    const h = await start({ standIn: { missingTaskPolls: 2 } });
    const outcome = await render(h, 'sales', ['after the missing polls'], 0);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(outcome.body.output.at(-1), 'after the missing polls');
  });

  it('follows the job of a task missing past the grace', async () => {
    const h = await start({
      standIn: { missingTaskPolls: 1000 },
      gateway: { taskGraceMs: 300, jobPollMs: 50 },
    });
    const refresh = await h.refresh('sales');
    await h.logs.waitFor(
      (entry) => entry.msg === 'Following the job of a render whose task Connect lost');
    assert.equal(h.logs.entries('Connect lost the render task').length, 1);
    await h.finishRender('sales', ['done'], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
  });

  it('sends the sticky cookie with each poll', async () => {
    const h = await start({ standIn: { stickyCookie: true }, gateway: { taskGraceMs: 0 } });
    const outcome = await render(h, 'sales', ['clustered'], 0);
    assert.equal(outcome.body.state, 'succeeded', outcome.text);
  });

  it('never succeeds before the task finished', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202);
    const handle = refresh.body.handle;

    // The render waits for finishRender, so a held request times out while it runs.
    const heldRequest = await h.request(`/v1/renders/${handle}?after=0&wait=1`);
    assert.equal(heldRequest.body.state, 'running');
    const polled = await h.request(`/v1/renders/${handle}`);
    assert.equal(polled.body.state, 'running');
    assert.equal(polled.body.finished_at, null);
    const [job] = await h.connect.listJobs(SALES_GUID);
    assert.equal(job!.status, 0, 'the Connect job is active');

    await h.finishRender('sales', [], 0);
    const outcome = await h.awaitOutcome(handle);
    assert.equal(outcome.body.state, 'succeeded');
    const [finishedJob] = await h.connect.listJobs(SALES_GUID);
    assert.equal(finishedJob!.exit_code, 0, 'the Connect job ended with exit code 0');
  });
});
