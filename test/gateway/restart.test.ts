import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { HandleSigner } from '../../src/gateway/handles.js';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

/** Reads the job list every 50 ms, so that a test learns quickly when a job ended. */
const FAST_JOB_POLLS = { gateway: { jobPollMs: 50 } };

describe('gateway restarts', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(): Promise<Harness> {
    harness = await startHarness(FAST_JOB_POLLS);
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  async function activeJobs(h: Harness): Promise<number> {
    const jobs = await h.connect.listJobs(SALES_GUID);
    return jobs.filter((job) => job.status === 0).length;
  }

  /** Waits, by long polls of the render's Connect task, until the render has ended. */
  async function awaitTaskEnd(h: Harness): Promise<void> {
    const started = await h.logs.waitFor((entry) => entry.msg === 'Render started');
    const taskId = String(started.taskId);
    let first = 0;
    for (;;) {
      const task = await h.connect.getTask(taskId, { first, wait: 10 });
      if (task.finished) {
        return;
      }
      first = task.last;
    }
  }

  it('joins a running render after a restart', async () => {
    const h = await start();
    const before = await h.refresh('sales');
    assert.equal(before.status, 202, before.text);
    await h.restartGateway();

    const after = await h.refresh('sales');
    assert.equal(after.status, 202, after.text);
    assert.equal(after.body.joined, true);
    assert.equal(after.body.state, 'running');
    const jobs = await h.connect.listJobs(SALES_GUID);
    assert.equal(jobs.length, 1, 'Connect ran exactly one job');
    assert.equal(after.body.started_at, new Date(jobs[0]!.start_time!).toISOString());

    const oldProgress = await h.request(`/v1/renders/${before.body.handle}`);
    assert.equal(oldProgress.status, 200, oldProgress.text);
    assert.equal(oldProgress.body.state, 'running');
    assert.equal(oldProgress.body.handle, before.body.handle);

    await h.finishRender('sales', ['done'], 0);
    const oldOutcome = await h.awaitOutcome(before.body.handle);
    assert.equal(oldOutcome.body.state, 'succeeded');
    assert.deepEqual(oldOutcome.body.output, [], 'a joined job has no log lines');
    const newOutcome = await h.awaitOutcome(after.body.handle);
    assert.equal(newOutcome.body.state, 'succeeded');
    assert.equal(newOutcome.body.finished_at, oldOutcome.body.finished_at);

    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1, 'still one job');
    assert.equal(h.logs.entries('Joined a render job already active on Connect').length, 1);
    const finished = h.logs.entries('render finished');
    assert.equal(finished.length, 1);
    assert.equal(finished[0]!.started_by, null, 'the new gateway did not start the render');
  });

  it('follows an old handle to the end', async () => {
    const h = await start();
    const before = await h.refresh('sales');
    await h.restartGateway();

    const progress = await h.request(`/v1/renders/${before.body.handle}?wait=0`);
    assert.equal(progress.status, 200, progress.text);
    assert.equal(progress.body.state, 'running');
    const status = await h.request('/v1/reports/sales');
    assert.equal(status.body.render?.state, 'running', 'the status shows the render');

    await h.finishRender('sales', ['Error: no data'], 1);
    const outcome = await h.awaitOutcome(before.body.handle);
    assert.equal(outcome.body.state, 'failed');
    assert.equal(outcome.body.error, 'The render ended with exit code 1.');
    assert.equal(await activeJobs(h), 0);

    const next = await h.refresh('sales');
    assert.equal(next.body.joined, false, 'a new render starts afterwards');
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 2);
  });

  it('reads an outcome that ended while down', async () => {
    const h = await start();
    const before = await h.refresh('sales');
    await h.restartGateway(async () => {
      await h.finishRender('sales', [], 0);
      await awaitTaskEnd(h);
    });

    const outcome = await h.request(`/v1/renders/${before.body.handle}`);
    assert.equal(outcome.status, 200, outcome.text);
    assert.equal(outcome.body.state, 'succeeded');
    const [job] = await h.connect.listJobs(SALES_GUID);
    assert.equal(outcome.body.finished_at, new Date(job!.end_time!).toISOString());
    assert.equal(outcome.body.error, null);
    const status = await h.request('/v1/reports/sales');
    assert.equal(status.body.render, null);
  });

  it('rejects handles of another secret', async () => {
    const h = await start();
    const issued = await h.refresh('sales');
    const [payload] = issued.body.handle.split('.') as [string];
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const reSigned = new HandleSigner(`another secret of ${'x'.repeat(32)}`).issue({
      report: json.r,
      variant: json.v,
      renderId: json.i,
      startedAt: new Date(json.s),
    });
    const tampered = issued.body.handle.replace(/.$/, (last: string) => (last === 'A' ? 'B' : 'A'));
    for (const handle of [reSigned, tampered, issued.body.handle.slice(0, -4)]) {
      const response = await h.request(`/v1/renders/${handle}`);
      assert.equal(response.status, 404, handle);
      assert.equal(response.body.error.code, 'unknown_render');
    }
    assert.equal((await h.request(`/v1/renders/${issued.body.handle}`)).status, 200);
  });
});
