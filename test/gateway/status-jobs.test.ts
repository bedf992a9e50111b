import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

describe('status of renders started on Connect', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('shows and follows the render', async () => {
    const h = (harness = await startHarness({ gateway: { jobPollMs: 50 } }));
    await h.connect.render(SALES_GUID);
    const [job] = await h.connect.listJobs(SALES_GUID);
    assert.ok(job !== undefined, 'the stand-in started no job');

    const reads = await Promise.all([1, 2, 3].map(() => h.request('/v1/reports/sales')));
    for (const read of reads) {
      assert.equal(read.status, 200, read.text);
    }
    const render = reads[0]!.body.render;
    assert.notEqual(render, null, 'the status shows no render');
    assert.equal(render.state, 'running');
    assert.equal(render.started_at, new Date(job.start_time!).toISOString());
    assert.equal(reads[1]!.body.render?.handle, render.handle);
    assert.equal(reads[2]!.body.render?.handle, render.handle);
    assert.equal(h.logs.entries('Joined a render job already active on Connect').length, 1);

    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    assert.equal(refresh.body.joined, true);
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1, 'Connect ran one job');

    await h.finishRender('sales', ['done'], 0);
    const outcome = await h.awaitOutcome(render.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(h.logs.entries('render finished').length, 1);
    const afterwards = await h.request('/v1/reports/sales');
    assert.equal(afterwards.body.render, null);
  });
});
