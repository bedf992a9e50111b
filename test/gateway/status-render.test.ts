import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { ConnectApiError, type Job } from '../../src/connect/index.js';
import {
  JOB_LIST_TTL_MS,
  JOB_LIST_WARNING_INTERVAL_MS,
} from '../../src/gateway/job-list-cache.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { DEFAULT_FOLLOW_TIMING, type FollowTiming } from '../../src/gateway/follow-render.js';
import { connectFailureReason } from '../../src/gateway/connect-failures.js';
import { deferred, job, setUpRegistry } from './registry-fakes.js';

const CONFIG = parseGatewayConfig({
  reports: { sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef', log: 'full' } },
});
const WHO = { variant: null, who: 'anonymous 127.0.0.1', requester: null };
const CHECK_WARNING =
  'Failed to read the job list, so status responses show no render started outside ' +
  'the gateway and no render durations from Connect';

function forbidden(): ConnectApiError {
  return new ConnectApiError(
    "Connect responded with HTTP 403, code 22: You don't have permission to perform this " +
      "operation.. The API key's user lacks permission.",
    {
      status: 403,
      code: 22,
      connectMessage: "You don't have permission to perform this operation.",
      payload: null,
      method: 'GET',
      path: '/__api__/v1/content/x/jobs',
    },
  );
}

/** A registry whose job-list reads wait for the test; `reads` contains one entry per read. */
function setUpCounted(timing: FollowTiming = DEFAULT_FOLLOW_TIMING) {
  const setup = setUpRegistry(CONFIG, {}, timing);
  const reads: Array<ReturnType<typeof deferred<Job[]>>> = [];
  const client = setup.client as unknown as { listJobs: () => Promise<Job[]> };
  client.listJobs = () => {
    const read = deferred<Job[]>();
    reads.push(read);
    return read.promise;
  };
  return { ...setup, reads };
}

/** Resolves once `check` returns true, testing it after each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100; turn += 1) {
    if (check()) {
      return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail('the condition did not hold within 100 event-loop turns');
}

describe('RenderRegistry.statusRender', () => {
  afterEach(() => {
    mock.timers.reset();
  });

  it('shares and caches the job-list check', async () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const { registry, reads, closing } = setUpCounted();
    const first = [1, 2, 3].map(() => registry.statusRender('sales', null));
    assert.equal(reads.length, 1, 'concurrent checks share one read');
    reads[0]!.resolve([]);
    for (const record of await Promise.all(first)) {
      assert.equal(record, undefined);
    }

    mock.timers.tick(JOB_LIST_TTL_MS - 1);
    assert.equal(await registry.statusRender('sales', null), undefined);
    assert.equal(reads.length, 1, 'the "none" answer is kept');

    mock.timers.tick(1);
    const later = registry.statusRender('sales', null);
    assert.equal(reads.length, 2, 'a stale answer is read again');
    reads[1]!.resolve([job({ key: 'scheduled' })]);
    const record = await later;
    assert.ok(record !== undefined, 'the active job is not adopted');
    assert.equal(record.isRunning, true);
    assert.equal(record.startedBy, null);
    assert.equal(await registry.statusRender('sales', null), record, 'one record per render');

    const refresh = await registry.refresh('sales', CONFIG.reports.sales!, WHO);
    assert.equal(refresh.joined, true);
    assert.equal(refresh.record, record);
    closing.abort();
    await registry.close();
  });

  it('reads jobs again after a render ends', async () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    // Job polls without a pause, so the follower reads the list while the mocked Date is fixed.
    const { registry, reads, closing } = setUpCounted({ ...DEFAULT_FOLLOW_TIMING, jobPollMs: 0 });
    const status = registry.statusRender('sales', null);
    reads[0]!.resolve([job({ key: 'scheduled' })]);
    const adopted = await status;
    assert.ok(adopted !== undefined, 'the active job is adopted');

    await until(() => reads.length === 2);
    const ended = job({ key: 'scheduled', status: 1, exit_code: 0 });
    reads[1]!.resolve([ended]);
    await until(() => !adopted.isRunning);

    const after = registry.statusRender('sales', null);
    assert.equal(reads.length, 3, 'the ended render marks the stored job list stale');
    reads[2]!.resolve([ended]);
    assert.equal(await after, undefined, 'the ended job is not adopted again');
    closing.abort();
    await registry.close();
  });

  it('warns once when the check fails', async () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const { registry, reads, lines, closing } = setUpCounted();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const status = registry.statusRender('sales', null);
      reads.at(-1)!.reject(forbidden());
      assert.equal(await status, undefined);
      mock.timers.tick(JOB_LIST_TTL_MS);
    }
    assert.equal(reads.length, 3);
    const warnings = lines.filter((line) => line.msg === CHECK_WARNING);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.connectStatus, 403);

    mock.timers.tick(JOB_LIST_WARNING_INTERVAL_MS);
    const status = registry.statusRender('sales', null);
    reads.at(-1)!.reject(forbidden());
    await status;
    const repeated = lines.filter((line) => line.msg === CHECK_WARNING);
    assert.equal(repeated.length, 2);
    assert.equal(repeated[1]!.suppressed, 2);
    closing.abort();
    await registry.close();
  });
});

describe('connectFailureReason', () => {
  it('joins sentences with one period', () => {
    const reason = connectFailureReason(forbidden());
    assert.match(reason, /operation\. The API key/);
    assert.doesNotMatch(reason, /\.\./);
  });

  it('keeps an ellipsis', () => {
    assert.equal(connectFailureReason(new Error('Waiting... Done.')), 'Waiting... Done.');
  });
});
