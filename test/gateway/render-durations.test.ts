import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job, RenderDuration } from '../../src/connect/index.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import {
  mergeRenderDurations,
  RECENT_DURATION_LIMIT,
  type ObservedRender,
} from '../../src/gateway/render-durations.js';
import { CLOCK_SKEW_TOLERANCE_MS } from '../../src/gateway/render-jobs.js';
import { ReportCatalog } from '../../src/gateway/report-catalog.js';
import { fakeClient, job, recordingLogger } from './registry-fakes.js';

const BASE_MS = Date.parse('2026-12-04T15:00:00Z');

/** Returns the RFC 3339 time `seconds` after BASE_MS, in whole seconds as Connect sends it. */
function at(seconds: number): string {
  return new Date(BASE_MS + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function fromConnect(jobKey: string, startS: number, endS: number): RenderDuration {
  return { jobKey, startedAt: at(startS), finishedAt: at(endS), durationS: endS - startS };
}

function observed(startS: number, endS: number, jobKey: string | null = null): ObservedRender {
  return {
    startedAt: new Date(BASE_MS + startS * 1000),
    finishedAt: new Date(BASE_MS + endS * 1000),
    jobKey,
  };
}

describe('mergeRenderDurations', () => {
  it('empty without renders', () => {
    assert.deepEqual(mergeRenderDurations([], []), []);
  });

  it('orders both sources newest first', () => {
    const durations = mergeRenderDurations(
      [fromConnect('a', 0, 30), fromConnect('c', 200, 260)],
      [observed(100, 145.5)],
    );
    assert.deepEqual(durations, [60, 45.5, 30]);
  });

  it('rounds to one decimal', () => {
    assert.deepEqual(mergeRenderDurations([], [observed(0, 12.345)]), [12.3]);
    assert.deepEqual(mergeRenderDurations([], [observed(0, 12.35)]), [12.4]);
  });

  it('counts a followed job once by key', () => {
    // The gateway followed job "k" and timed it with Connect's own times.
    const durations = mergeRenderDurations([fromConnect('k', 0, 40)], [observed(0, 40, 'k')]);
    assert.deepEqual(durations, [40]);
  });

  it('counts a started render once by times', () => {
    // The gateway sent the render request a moment before Connect started the job, and saw
    // the task end a moment after the job ended.
    const durations = mergeRenderDurations(
      [fromConnect('job', 2, 40)],
      [observed(1.25, 40.75)],
    );
    assert.deepEqual(durations, [39.5], 'the gateway measurement is kept');
  });

  it('matches despite clock skew', () => {
    const skewS = CLOCK_SKEW_TOLERANCE_MS / 1000 - 1;
    const durations = mergeRenderDurations(
      [fromConnect('job', skewS, skewS + 20)],
      [observed(0, 20)],
    );
    assert.deepEqual(durations, [20]);
  });

  it('keeps renders beyond the tolerance apart', () => {
    const farS = CLOCK_SKEW_TOLERANCE_MS / 1000 + 1;
    const durations = mergeRenderDurations(
      [fromConnect('job', farS, farS + 20)],
      [observed(0, 21)],
    );
    assert.deepEqual(durations, [20, 21]);
  });

  it('matches each job to one render', () => {
    // Two short renders in a row, within the tolerance of each other: each takes its own job.
    const durations = mergeRenderDurations(
      [fromConnect('first', 1, 5), fromConnect('second', 11, 19)],
      [observed(0, 5.5), observed(10, 19.5)],
    );
    assert.deepEqual(durations, [9.5, 5.5]);
  });

  it('keeps a keyed job from time matches', () => {
    // The adopted job "k" also lies close to the started render, which must not take it.
    const durations = mergeRenderDurations(
      [fromConnect('k', 0, 10)],
      [observed(0, 10, 'k'), observed(0.5, 10.5)],
    );
    assert.deepEqual(durations, [10, 10]);
  });

  it('returns at most the limit', () => {
    const jobs = Array.from({ length: 15 }, (_, index) =>
      fromConnect(`job${index}`, index * 100, index * 100 + index + 1),
    );
    const durations = mergeRenderDurations(jobs, []);
    assert.equal(durations.length, RECENT_DURATION_LIMIT);
    assert.equal(durations[0], 15, 'the newest first');
    assert.equal(durations.at(-1), 6);
  });
});

describe('ReportCatalog.recentDurations', () => {
  const config = parseGatewayConfig({
    reports: {
      sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' },
      orders: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' },
    },
  });

  function catalogWith(jobs: Job[]): ReportCatalog {
    const { client } = fakeClient({ jobs });
    return new ReportCatalog(config, client, recordingLogger().logger);
  }

  const finished = (key: string, startS: number, endS: number) =>
    job({ key, status: 2, exit_code: 0, start_time: at(startS), end_time: at(endS) });

  it('empty before a job-list read', () => {
    const catalog = catalogWith([finished('job', 0, 30)]);
    assert.deepEqual(catalog.recentDurations('sales'), []);
  });

  it('uses the stored job list', async () => {
    const catalog = catalogWith([finished('old', 0, 30), finished('new', 100, 112)]);
    await catalog.readJobs('sales');
    assert.deepEqual(catalog.recentDurations('sales'), [12, 30]);
  });

  it('adds a followed render at once', async () => {
    const catalog = catalogWith([finished('old', 0, 30)]);
    await catalog.readJobs('sales');
    catalog.recordSuccess('sales', observed(500, 507.25));
    assert.deepEqual(catalog.recentDurations('sales'), [7.3, 30]);
    assert.deepEqual(catalog.recentDurations('orders'), [7.3, 30], 'same content, same list');
  });

  it('keeps the newest followed renders', () => {
    const catalog = catalogWith([]);
    for (let index = 0; index < RECENT_DURATION_LIMIT + 2; index += 1) {
      catalog.recordSuccess('sales', observed(index * 100, index * 100 + index + 1));
    }
    const durations = catalog.recentDurations('sales');
    assert.equal(durations.length, RECENT_DURATION_LIMIT);
    assert.equal(durations[0], RECENT_DURATION_LIMIT + 2);
  });

  it('ignores a failed job-list read', async () => {
    const { client } = fakeClient({ jobs: new Error('connection refused') });
    const catalog = new ReportCatalog(config, client, recordingLogger().logger);
    const read = await catalog.readJobs('sales');
    assert.equal(read.jobs, null);
    catalog.recordSuccess('sales', observed(0, 3));
    assert.deepEqual(catalog.recentDurations('sales'), [3]);
  });
});
