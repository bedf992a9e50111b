import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import {
  ConnectClient,
  decodeJobs,
  successfulRenderDurations,
  type Job,
} from '../../src/connect/index.js';
import { readFixture } from './fixtures.js';
import { jsonRoute, startScriptedServer, type ScriptedServer } from './scripted-server.js';

const GUID = 'g1';
const JOBS_ROUTE = `GET /__api__/v1/content/${GUID}/jobs`;

function job(fields: Partial<Job>): Job {
  return {
    id: '1',
    key: 'k1',
    tag: 'build_report',
    status: 2,
    start_time: '2025-03-01T10:00:00Z',
    end_time: '2025-03-01T10:00:42Z',
    exit_code: 0,
    variant_id: '1',
    variant_key: null,
    bundle_id: '1',
    ...fields,
  };
}

/** Decodes the recorded app jobs of a Connect server and gives each a render tag. */
function recordedJobsAsRenders(fixture: string): Job[] {
  return decodeJobs(readFixture(fixture)).map((entry) => ({ ...entry, tag: 'build_report' }));
}

describe('successfulRenderDurations', () => {
  it('computes seconds from start to end', () => {
    const [duration] = successfulRenderDurations([job({})]);
    assert.deepEqual(duration, {
      jobKey: 'k1',
      startedAt: '2025-03-01T10:00:00Z',
      finishedAt: '2025-03-01T10:00:42Z',
      durationS: 42,
    });
  });

  it('keeps fractions of a second', () => {
    const [duration] = successfulRenderDurations([
      job({ start_time: '2025-03-01T10:00:00.250Z', end_time: '2025-03-01T10:00:01.5Z' }),
    ]);
    assert.equal(duration?.durationS, 1.25);
  });

  it('accepts every render tag', () => {
    const jobs = ['build_report', 'build_site', 'build_jupyter'].map((tag, index) =>
      job({ key: tag, tag, end_time: `2025-03-01T10:00:0${index + 1}Z` }),
    );
    const keys = successfulRenderDurations(jobs).map((duration) => duration.jobKey);
    assert.deepEqual(keys, ['build_jupyter', 'build_site', 'build_report']);
  });

  it('accepts finished and finalized jobs', () => {
    const jobs = [job({ key: 'finished', status: 1 }), job({ key: 'finalized', status: 2 })];
    const keys = successfulRenderDurations(jobs).map((duration) => duration.jobKey).sort();
    assert.deepEqual(keys, ['finalized', 'finished']);
  });

  it('leaves out other jobs', () => {
    const ignored = [
      job({ key: 'app', tag: 'run_app' }),
      job({ key: 'restore', tag: 'packrat_restore' }),
      job({ key: 'active', status: 0, end_time: null, exit_code: null }),
      job({ key: 'active-with-times', status: 0 }),
      job({ key: 'skipped', status: 3 }),
      job({ key: 'failed', exit_code: 1 }),
      job({ key: 'no-exit-code', exit_code: null }),
      job({ key: 'no-start', start_time: null }),
      job({ key: 'no-end', end_time: null }),
      job({ key: 'ends-before-start', end_time: '2025-03-01T09:59:59Z' }),
    ];
    assert.deepEqual(successfulRenderDurations(ignored), []);
  });

  it('keeps a render of zero seconds', () => {
    const [duration] = successfulRenderDurations([job({ end_time: '2025-03-01T10:00:00Z' })]);
    assert.equal(duration?.durationS, 0);
  });

  it('orders by end instant, newest first', () => {
    const jobs = [
      job({ key: 'older', start_time: '2025-03-01T09:00:00Z', end_time: '2025-03-01T09:30:00Z' }),
      // 10:30 UTC, written with an offset, so string order would put it first.
      job({ key: 'newest', start_time: '2025-03-01T12:00:00+02:00',
        end_time: '2025-03-01T12:30:00+02:00' }),
      job({ key: 'middle', start_time: '2025-03-01T10:00:00Z', end_time: '2025-03-01T10:10:00Z' }),
    ];
    const keys = successfulRenderDurations(jobs).map((duration) => duration.jobKey);
    assert.deepEqual(keys, ['newest', 'middle', 'older']);
  });

  it('orders equal ends by newest start', () => {
    const jobs = [
      job({ key: 'long', start_time: '2025-03-01T09:00:00Z' }),
      job({ key: 'short', start_time: '2025-03-01T10:00:30Z' }),
    ];
    const keys = successfulRenderDurations(jobs).map((duration) => duration.jobKey);
    assert.deepEqual(keys, ['short', 'long']);
  });
});

describe('render durations of recorded job lists', () => {
  for (const fixture of [
    'v1-content-jobs-2024.08-active-and-finalized.json',
    'v1-content-jobs-2025.01-with-content-guid.json',
  ]) {
    it(`none from the app jobs of ${fixture}`, () => {
      assert.deepEqual(successfulRenderDurations(decodeJobs(readFixture(fixture))), []);
    });

    it(`ended jobs of ${fixture} as renders`, () => {
      const durations = successfulRenderDurations(recordedJobsAsRenders(fixture));
      assert.deepEqual(
        durations.map(({ jobKey, durationS }) => ({ jobKey, durationS })),
        [
          { jobKey: 'mxPGVOMVk6f8dso2', durationS: 3565 },
          { jobKey: 'EzxM4sBYJrLSMHg9', durationS: 3625 },
          { jobKey: 'HbdzgOJrMmMTq6vu', durationS: 203 },
        ],
      );
      assert.equal(durations[0]!.startedAt, '2024-11-25T22:26:14Z');
      assert.equal(durations[0]!.finishedAt, '2024-11-25T23:25:39Z');
    });
  }

  it('none from the active job of the doc example', () => {
    // The example job has an end time and exit code 0, but status 0 marks it active.
    const jobs = decodeJobs(readFixture('v1-content-jobs-build-report-doc-example.json'));
    assert.equal(jobs[0]!.status, 0);
    assert.deepEqual(successfulRenderDurations(jobs), []);
  });
});

describe('ConnectClient.listRenderDurations', () => {
  let server: ScriptedServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads the v1 jobs route once', async () => {
    const recorded = readFixture('v1-content-jobs-2025.01-with-content-guid.json') as Array<
      Record<string, unknown>
    >;
    const retagged = recorded.map((entry) => ({ ...entry, tag: 'build_site' }));
    server = await startScriptedServer({ [JOBS_ROUTE]: jsonRoute(retagged) });
    const client = new ConnectClient({ server: server.url, apiKey: 'k3yAbCdEf0123456789' });

    const durations = await client.listRenderDurations(GUID);
    assert.deepEqual(durations.map((duration) => duration.durationS), [3565, 3625, 203]);
    assert.deepEqual(server.requests.map((request) => request.pathname),
      [`/__api__/v1/content/${GUID}/jobs`]);
  });

  it('raises a refused jobs route', async () => {
    server = await startScriptedServer({
      [JOBS_ROUTE]: jsonRoute(readFixture('error-403-code22-permission-denied.json'), 403),
    });
    const client = new ConnectClient({ server: server.url, apiKey: 'k3yAbCdEf0123456789' });
    await assert.rejects(client.listRenderDurations(GUID), { name: 'ConnectApiError', code: 22 });
  });
});
