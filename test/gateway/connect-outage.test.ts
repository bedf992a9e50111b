import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

const FAST_RETRY = { maxAttempts: 2, firstDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 5_000 };
/** Every request to the stand-in loses its connection: Connect is down. */
const CONNECT_DOWN = { requests: [{ kind: 'drop' as const }] };
const TASK_POLLS = '/__api__/v1/tasks/*';
const VARIANTS_PATH = `/__api__/applications/${SALES_GUID}/variants`;

describe('Connect outages and restarts', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(): Promise<Harness> {
    harness = await startHarness({
      gateway: { retry: FAST_RETRY, jobPollMs: 50, taskGraceMs: 200 },
    });
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  /**
   * Waits until Connect's job list shows the render job ended, reading the list every 20 ms.
   * The task route may be failing on purpose, so the job list is the only way to see it.
   */
  async function awaitJobEnd(h: Harness): Promise<void> {
    for (;;) {
      const jobs = await h.connect.listJobs(SALES_GUID);
      if (jobs.length > 0 && jobs.every((job) => job.status !== 0)) {
        return;
      }
      await delay(20);
    }
  }

  it('status is 503 while Connect is down', async () => {
    const h = await start();
    h.standIn.faults.set(CONNECT_DOWN);
    const down = await h.request('/v1/reports/sales');
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.error.code, 'connect_unavailable');

    h.standIn.faults.clear();
    const up = await h.request('/v1/reports/sales');
    assert.equal(up.status, 200, up.text);
    assert.equal(up.body.title, 'Sales by region');
  });

  it('progress stays running while Connect is down', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    h.standIn.faults.set(CONNECT_DOWN);
    await h.logs.waitFor((entry) => entry.msg === 'Polling the render task failed; retrying');

    const progress = await h.request(`/v1/renders/${refresh.body.handle}?wait=0`);
    assert.equal(progress.status, 200, progress.text);
    assert.equal(progress.body.state, 'running');

    h.standIn.faults.clear();
    await h.finishRender('sales', ['after the outage'], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(outcome.body.output.at(-1), 'after the outage');
  });

  /**
   * Makes every task poll fail with 503, and resolves once the gateway saw that. From then
   * on no poll is held that could still report the task's end.
   */
  async function failTaskPolls(h: Harness): Promise<void> {
    h.standIn.faults.set({ requests: [{ kind: 'error', status: 503, path: TASK_POLLS }] });
    await h.logs.waitFor((entry) => entry.msg === 'Polling the render task failed; retrying');
  }

  it('lost task takes its outcome from the job', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    await failTaskPolls(h);
    await h.finishRender('sales', ['done'], 0);
    await awaitJobEnd(h);
    await h.standIn.restart();
    h.standIn.faults.clear();

    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    const settled = h.logs.entries(
      'Took the outcome of a render whose task Connect lost from its job');
    assert.equal(settled.length, 1);
    assert.equal(settled[0]!.outcome, 'succeeded');
  });

  it('late end takes the job end time', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    await failTaskPolls(h);
    await h.finishRender('sales', ['done'], 0);
    await awaitJobEnd(h);
    const [job] = await h.connect.listJobs(SALES_GUID);
    h.standIn.faults.clear();

    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    const jobMs = Date.parse(job!.end_time!) - Date.parse(job!.start_time!);
    const startedMs = Date.parse(outcome.body.started_at);
    assert.equal(Date.parse(outcome.body.finished_at), startedMs + jobMs, 'start plus the job duration');
    const durationLines = h.logs.entries('Took the duration of a render seen late from its job');
    assert.equal(durationLines.length, 1);
    assert.equal(durationLines[0]!.jobKey, job!.key);
    assert.equal(durationLines[0]!.jobMs, jobMs);
  });

  it('failed job of a lost task fails', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    await failTaskPolls(h);
    await h.finishRender('sales', ['broken'], 3);
    await awaitJobEnd(h);
    await h.standIn.restart();
    h.standIn.faults.clear();

    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'failed');
    assert.equal(outcome.body.error, 'The render ended with exit code 3.');
  });

  it('render killed by a restart is unknown', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    await h.logs.waitFor((entry) => entry.msg === 'Render started');
    await h.standIn.restart();
    // A read of the last-rendered time uses this fault up, so its absence proves the read.
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 503, path: VARIANTS_PATH, times: 1 }],
    });

    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'unknown');
    assert.match(outcome.body.error, /without an exit code/);
    assert.deepEqual(h.standIn.faults.current().requests, [], 'last-rendered time read again');
    assert.notEqual(outcome.body.finished_at, null);
    const [audit] = h.logs.entries('render finished');
    assert.equal(audit?.state, 'unknown');
    assert.equal(audit?.level, 40, 'logged as a warning');
    assert.match(String(audit?.reason), /without an exit code/);

    const status = await h.request('/v1/reports/sales');
    assert.equal(status.body.render, null, 'single flight released');
    assert.equal(status.body.last_rendered_at, null);
    const again = await h.refresh('sales');
    assert.equal(again.status, 202, again.text);
    assert.equal(again.body.joined, false);
    assert.notEqual(again.body.handle, refresh.body.handle);
  });

  it('lost task without a job is unknown', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    await h.logs.waitFor((entry) => entry.msg === 'Render started');
    h.standIn.faults.set({
      requests: [{ kind: 'error', status: 500, path: `/__api__/v1/content/${SALES_GUID}/jobs` }],
    });
    await h.standIn.restart();

    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'unknown');
    assert.match(outcome.body.error, /so its outcome is unknown\. Its job list could not be read/);
    assert.equal(
      h.logs.entries('Could not read the job list of a render whose task Connect lost').length,
      1,
    );
  });
});
