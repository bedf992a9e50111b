import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { JOB_LIST_TTL_MS } from '../../src/gateway/job-list-cache.js';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

const CONCURRENT_READS = 20;
const CONTENT_PATH = `/__api__/v1/content/${SALES_GUID}`;
const VARIANTS_PATH = `/__api__/applications/${SALES_GUID}/variants`;
const JOBS_PATH = `/__api__/v1/content/${SALES_GUID}/jobs`;
const RENDERINGS_PATH = /^\/__api__\/variants\/\d+\/renderings$/;

/** Creates a fetch for the gateway's Connect client that records the path of each request. */
function countingFetch() {
  const paths: string[] = [];
  const fetchAndCount: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    paths.push(new URL(url).pathname);
    return fetch(input, init);
  };
  const count = (path: string | RegExp) => paths.filter((candidate) =>
    typeof path === 'string' ? candidate === path : path.test(candidate)).length;
  return { fetch: fetchAndCount, paths, count };
}

/** Polls the Connect task with long polls until it has finished. */
async function awaitConnectTask(harness: Harness, taskId: string): Promise<void> {
  for (;;) {
    const task = await harness.connect.getTask(taskId, { wait: 10 });
    if (task.finished) {
      return;
    }
  }
}

async function readStatuses(harness: Harness, count: number) {
  const responses = await Promise.all(
    Array.from({ length: count }, () => harness.request('/v1/reports/sales')),
  );
  for (const response of responses) {
    assert.equal(response.status, 200, response.text);
  }
  return responses;
}

describe('upstream calls of status reads', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    mock.timers.reset();
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('one call per route for many reads', async () => {
    const counter = countingFetch();
    const h = (harness = await startHarness({ gateway: { fetch: counter.fetch } }));
    // One finished render on Connect gives the variant a render time and the list one job.
    const started = await h.connect.render(SALES_GUID);
    await h.finishRender('sales', ['done'], 0);
    await awaitConnectTask(h, started.taskId);

    // Date only: the caches stay fresh however long the machine takes, and I/O runs as usual.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const concurrent = await readStatuses(h, CONCURRENT_READS);
    for (let index = 0; index < 5; index += 1) {
      await readStatuses(h, 1);
    }
    for (const response of concurrent) {
      assert.equal(response.body.recent_durations.length, 1, response.text);
    }
    assert.equal(counter.count(CONTENT_PATH), 1, 'content reads');
    assert.equal(counter.count(VARIANTS_PATH), 1, 'variant reads');
    assert.equal(counter.count(JOBS_PATH), 1, 'job-list reads');
    assert.equal(counter.count(RENDERINGS_PATH), 1, 'renderings reads');
    assert.equal(counter.paths.length, 4, counter.paths.join(', '));

    mock.timers.tick(JOB_LIST_TTL_MS);
    await readStatuses(h, CONCURRENT_READS);
    assert.equal(counter.count(JOBS_PATH), 2, 'one more job-list read once it is stale');
    assert.equal(counter.count(RENDERINGS_PATH), 2, 'the renderings go stale with it');
    assert.equal(counter.count(VARIANTS_PATH), 1, 'the last-rendered time is still fresh');
  });

  it('one job-list read without a render time', async () => {
    const counter = countingFetch();
    const h = (harness = await startHarness({ gateway: { fetch: counter.fetch } }));
    mock.timers.enable({ apis: ['Date'], now: Date.now() });

    // No render yet, so the variant has no render time, and both the last-rendered time and
    // the check for a render in progress need the job list. They share one read.
    const responses = await readStatuses(h, CONCURRENT_READS);
    for (const response of responses) {
      assert.equal(response.body.last_rendered_at, null);
      assert.deepEqual(response.body.recent_durations, []);
    }
    assert.equal(counter.count(JOBS_PATH), 1, 'job-list reads');
    assert.equal(counter.count(VARIANTS_PATH), 1, 'variant reads');
  });
});
