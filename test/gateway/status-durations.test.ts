import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { Job } from '../../src/connect/index.js';
import { JOB_LIST_TTL_MS } from '../../src/gateway/job-list-cache.js';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

/** Returns the seconds between two RFC 3339 times, rounded to one decimal as in a status. */
function secondsBetween(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 100) / 10;
}

function jobSeconds(job: Job): number {
  return secondsBetween(job.start_time!, job.end_time!);
}

async function awaitConnectTask(harness: Harness, taskId: string): Promise<void> {
  for (;;) {
    const task = await harness.connect.getTask(taskId, { wait: 10 });
    if (task.finished) {
      return;
    }
  }
}

async function durations(harness: Harness): Promise<number[]> {
  const status = await harness.request('/v1/reports/sales');
  assert.equal(status.status, 200, status.text);
  assert.equal(status.body.render, null, 'no render is in progress');
  return status.body.recent_durations;
}

async function findJob(harness: Harness, key: string): Promise<Job> {
  const found = (await harness.connect.listJobs(SALES_GUID)).find((job) => job.key === key);
  assert.ok(found !== undefined, `Connect lists no job ${key}`);
  return found;
}

describe('recent render durations', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    mock.timers.reset();
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('merges real renders once each', async () => {
    const h = (harness = await startHarness({ gateway: { jobPollMs: 50 } }));

    // A: started on Connect and found by a status read, so the gateway follows its job.
    await h.connect.render(SALES_GUID);
    const [jobA] = await h.connect.listJobs(SALES_GUID);
    const found = await h.request('/v1/reports/sales');
    assert.equal(found.body.render?.state, 'running', found.text);
    await h.finishRender('sales', ['done'], 0);
    const outcomeA = await h.awaitOutcome(found.body.render.handle);
    assert.equal(outcomeA.body.state, 'succeeded');
    const secondsA = jobSeconds(await findJob(h, jobA!.key));
    assert.deepEqual(await durations(h), [secondsA], 'the followed job counts once');

    // B: started by the gateway, which times it itself.
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    await h.finishRender('sales', ['done'], 0);
    const outcomeB = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcomeB.body.state, 'succeeded');
    const secondsB = secondsBetween(outcomeB.body.started_at, outcomeB.body.finished_at);
    const afterB = await durations(h);
    assert.deepEqual(afterB, [secondsB, secondsA], 'the started render counts once');
    const jobsAfterB = await h.connect.listJobs(SALES_GUID);
    assert.equal(jobsAfterB.length, 2, 'Connect ran two jobs');

    // C: started on Connect and never seen running by the gateway. Date is mocked from here
    // on, so the stored job list stays fresh until the test moves the clock.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const started = await h.connect.render(SALES_GUID);
    await h.finishRender('sales', ['done'], 0);
    await awaitConnectTask(h, started.taskId);
    const [jobC] = await h.connect.listJobs(SALES_GUID);
    assert.equal(jobC!.exit_code, 0);
    assert.deepEqual(await durations(h), afterB, 'the stored job list is still fresh');

    mock.timers.tick(JOB_LIST_TTL_MS);
    const afterC = await durations(h);
    assert.equal(afterC.length, 3, `durations ${afterC.join(', ')}`);
    // The gateway's own renders A and B are always listed. The third entry is C's job, unless
    // B's render matched C's job and left B's job listed instead: the renders here take less
    // than a second, and Connect's job times are whole seconds. For the same reason, the
    // order of renders that ended within a second is not checked.
    const rest = [...afterC];
    for (const [render, seconds] of [['A', secondsA], ['B', secondsB]] as const) {
      const index = rest.indexOf(seconds);
      assert.notEqual(index, -1, `durations ${afterC.join(', ')} lack ${render}'s ${seconds}`);
      rest.splice(index, 1);
    }
    const jobB = jobsAfterB.find((job) => job.key !== jobA!.key)!;
    assert.ok(
      [jobSeconds(jobC!), jobSeconds(jobB)].includes(rest[0]!),
      `durations ${afterC.join(', ')} lack C's ${jobSeconds(jobC!)}`,
    );
  });

  it('leaves out a failed render', async () => {
    const h = (harness = await startHarness());
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    await h.finishRender('sales', ['error: no data'], 1);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'failed');
    assert.deepEqual(await durations(h), []);
  });
});
