import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job, Rendering, Variant } from '../../src/connect/index.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import {
  connectRenders,
  mergeRenderHistory,
  RECENT_DURATION_LIMIT,
  successfulDurations,
  toRecentRender,
  type ConnectRender,
  type FollowedRender,
} from '../../src/gateway/render-history.js';
import { CLOCK_SKEW_TOLERANCE_MS } from '../../src/gateway/render-jobs.js';
import { ReportCatalog } from '../../src/gateway/report-catalog.js';
import { DEFAULT_VARIANT, fakeClient, job, recordingLogger } from './registry-fakes.js';

const BASE_MS = Date.parse('2026-12-04T15:00:00Z');

/** Returns the RFC 3339 time `seconds` after BASE_MS, in whole seconds as Connect sends it. */
function at(seconds: number): string {
  return new Date(BASE_MS + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Returns a successful render from Connect's job list. */
function fromConnect(jobKey: string, startS: number, endS: number): ConnectRender {
  return {
    jobKey,
    startedAtMs: BASE_MS + startS * 1000,
    finishedAtMs: BASE_MS + endS * 1000,
    state: 'succeeded',
  };
}

/**
 * Returns a render that the gateway followed, to success unless `endS` is null. With a job
 * key it is a job that the gateway found running.
 */
function followed(
  startS: number,
  endS: number | null,
  jobKey: string | null = null,
  fields: Partial<FollowedRender> = {},
): FollowedRender {
  return {
    startedAt: new Date(BASE_MS + startS * 1000),
    finishedAt: endS === null ? null : new Date(BASE_MS + endS * 1000),
    state: endS === null ? 'running' : 'succeeded',
    jobKey,
    startedByGateway: jobKey === null,
    requester: null,
    ...fields,
  };
}

function durations(connect: ConnectRender[], own: FollowedRender[]): number[] {
  return successfulDurations(mergeRenderHistory(connect, own));
}

describe('successfulDurations of a merged history', () => {
  it('empty without renders', () => {
    assert.deepEqual(durations([], []), []);
  });

  it('orders both sources newest first', () => {
    const merged = durations(
      [fromConnect('a', 0, 30), fromConnect('c', 200, 260)],
      [followed(100, 145.5)],
    );
    assert.deepEqual(merged, [60, 45.5, 30]);
  });

  it('rounds to one decimal', () => {
    assert.deepEqual(durations([], [followed(0, 12.345)]), [12.3]);
    assert.deepEqual(durations([], [followed(0, 12.35)]), [12.4]);
  });

  it('counts a followed job once by key', () => {
    // The gateway followed job "k" and timed it with Connect's own times.
    assert.deepEqual(durations([fromConnect('k', 0, 40)], [followed(0, 40, 'k')]), [40]);
  });

  it('counts a started render once by times', () => {
    // The gateway sent the render request a moment before Connect started the job, and saw
    // the task end a moment after the job ended.
    const merged = durations([fromConnect('job', 2, 40)], [followed(1.25, 40.75)]);
    assert.deepEqual(merged, [39.5], 'the gateway measurement is kept');
  });

  it('matches despite clock skew', () => {
    const skewS = CLOCK_SKEW_TOLERANCE_MS / 1000 - 1;
    assert.deepEqual(durations([fromConnect('job', skewS, skewS + 20)], [followed(0, 20)]), [20]);
  });

  it('keeps renders beyond the tolerance apart', () => {
    const farS = CLOCK_SKEW_TOLERANCE_MS / 1000 + 1;
    const merged = durations([fromConnect('job', farS, farS + 20)], [followed(0, 21)]);
    assert.deepEqual(merged, [20, 21]);
  });

  it('matches each job to one render', () => {
    // Two short renders in a row, within the tolerance of each other: each takes its own job.
    const merged = durations(
      [fromConnect('first', 1, 5), fromConnect('second', 11, 19)],
      [followed(0, 5.5), followed(10, 19.5)],
    );
    assert.deepEqual(merged, [9.5, 5.5]);
  });

  it('keeps a keyed job from time matches', () => {
    // The adopted job "k" also lies close to the started render, which must not take it.
    const merged = durations(
      [fromConnect('k', 0, 10)],
      [followed(0, 10, 'k'), followed(0.5, 10.5)],
    );
    assert.deepEqual(merged, [10, 10]);
  });

  it('returns at most the limit', () => {
    const jobs = Array.from({ length: 15 }, (_, index) =>
      fromConnect(`job${index}`, index * 100, index * 100 + index + 1),
    );
    const merged = durations(jobs, []);
    assert.equal(merged.length, RECENT_DURATION_LIMIT);
    assert.equal(merged[0], 15, 'the newest first');
    assert.equal(merged.at(-1), 6);
  });
});

describe('connectRenders', () => {
  const renderJob = (key: string, fields: Partial<Job>) =>
    job({ key, start_time: at(0), ...fields });

  it('reads states from jobs', () => {
    const renders = connectRenders([
      renderJob('running', { status: 0 }),
      renderJob('good', { status: 2, exit_code: 0, end_time: at(30) }),
      renderJob('bad', { status: 1, exit_code: 1, end_time: at(20) }),
    ], null);
    assert.deepEqual(renders.map((render) => [render.jobKey, render.state, render.finishedAtMs]), [
      ['running', 'running', null],
      ['good', 'succeeded', BASE_MS + 30_000],
      ['bad', 'failed', BASE_MS + 20_000],
    ]);
  });

  it('leaves out skipped and other jobs', () => {
    const renders = connectRenders([
      renderJob('skipped', { status: 3 }),
      renderJob('app', { tag: 'run_app', status: 2, exit_code: 0, end_time: at(9) }),
      renderJob('no-start', { start_time: null }),
    ], null);
    assert.deepEqual(renders, []);
  });

  it('adds renderings the job list lacks', () => {
    const rendering = (id: string, jobKey: string | null, endS: number): Rendering => ({
      id,
      variant_id: '1',
      job_key: jobKey,
      render_time: at(endS),
      render_duration: 12_500_000_000,
      active: false,
    });
    const renders = connectRenders(
      [renderJob('listed', { status: 2, exit_code: 0, end_time: at(40) })],
      [rendering('r1', 'listed', 40), rendering('r2', 'older', 100), rendering('r3', null, 200)],
    );
    assert.deepEqual(renders.map((render) => render.jobKey), ['listed', 'older', 'rendering:r3']);
    assert.equal(renders[1]!.startedAtMs, BASE_MS + 87_500, 'start is the end less the duration');
  });
});

describe('mergeRenderHistory', () => {
  it('lists newest start first', () => {
    const entries = mergeRenderHistory(
      [fromConnect('old', 0, 10), { ...fromConnect('failed', 300, 320), state: 'failed' }],
      [followed(100, 130)],
    );
    assert.deepEqual(entries.map((entry) => entry.startedAtMs - BASE_MS), [300_000, 100_000, 0]);
    assert.deepEqual(entries.map((entry) => entry.state), ['failed', 'succeeded', 'succeeded']);
  });

  it('names who started each render', () => {
    const entries = mergeRenderHistory(
      [fromConnect('scheduled', 0, 10), fromConnect('adopted', 100, 110)],
      [
        followed(100, 110, 'adopted'),
        followed(200, 210, null, { requester: 'alice' }),
        followed(300, 310, null, { requester: null }),
      ],
    );
    const recent = entries.map(toRecentRender);
    assert.deepEqual(recent.map((render) => [render.started_by_gateway, render.started_by]), [
      [true, null],
      [true, 'alice'],
      [false, null],
      [false, null],
    ]);
  });

  it('a running render has no end', () => {
    const [entry] = mergeRenderHistory([], [followed(0, null)]);
    assert.deepEqual(toRecentRender(entry!), {
      started_at: at(0).replace('Z', '.000Z'),
      finished_at: null,
      state: 'running',
      duration: null,
      started_by_gateway: true,
      started_by: null,
    });
  });

  it('matches a running render by its start', () => {
    const running: ConnectRender = { ...fromConnect('job', 1, 0), finishedAtMs: null, state: 'running' };
    const entries = mergeRenderHistory([running], [followed(0, null)]);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.startedByGateway, true);
  });

  it('takes the end that only Connect saw', () => {
    const entries = mergeRenderHistory(
      [{ ...fromConnect('job', 0, 20), state: 'failed' }],
      [followed(0, null, 'job')],
    );
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.state, 'failed');
    assert.equal(entries[0]!.finishedAtMs, BASE_MS + 20_000);
  });

  it('keeps the end that only the gateway saw', () => {
    const stale: ConnectRender = { ...fromConnect('job', 0, 0), finishedAtMs: null, state: 'running' };
    const entries = mergeRenderHistory([stale], [followed(0, 15, 'job')]);
    assert.equal(entries[0]!.state, 'succeeded');
    assert.equal(entries[0]!.finishedAtMs, BASE_MS + 15_000);
  });
});

describe('ReportCatalog history per variant', () => {
  const SECOND: Variant = { ...DEFAULT_VARIANT, id: '2', key: 'second', is_default: false };
  const config = parseGatewayConfig({
    reports: {
      sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef', variants: ['second'] },
      orders: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' },
    },
  });

  function catalogWith(jobs: Job[] | Error): ReportCatalog {
    const { client } = fakeClient({ jobs, variants: [DEFAULT_VARIANT, SECOND] });
    return new ReportCatalog(config, client, recordingLogger().logger);
  }

  const finished = (key: string, startS: number, endS: number, variantId = '1') =>
    job({
      key, status: 2, exit_code: 0, start_time: at(startS), end_time: at(endS),
      variant_id: variantId,
    });

  it('empty before a job-list read', () => {
    const catalog = catalogWith([finished('job', 0, 30)]);
    assert.deepEqual(catalog.recentDurations('sales', null), []);
  });

  it('uses the stored job list', async () => {
    const catalog = catalogWith([finished('old', 0, 30), finished('new', 100, 112)]);
    await catalog.readVariantJobs('sales', null);
    assert.deepEqual(catalog.recentDurations('sales', null), [12, 30]);
  });

  it('keeps each variant apart', async () => {
    const catalog = catalogWith([
      finished('default', 0, 30),
      finished('second', 100, 112, '2'),
      job({ key: 'keyed', status: 2, exit_code: 0, start_time: at(200), end_time: at(205),
        variant_id: null, variant_key: 'second' }),
    ]);
    await catalog.readVariantJobs('sales', 'second');
    assert.deepEqual(catalog.recentDurations('sales', 'second'), [5, 12]);
    assert.deepEqual(catalog.recentDurations('sales', null), [30]);
  });

  it('adds a followed render at once', async () => {
    const catalog = catalogWith([finished('old', 0, 30)]);
    await catalog.readVariantJobs('sales', null);
    catalog.recordSuccess('sales', null, followed(500, 507.25));
    assert.deepEqual(catalog.recentDurations('sales', null), [7.3, 30]);
    assert.deepEqual(catalog.recentDurations('orders', null), [7.3, 30], 'same content, same list');
    assert.deepEqual(catalog.recentDurations('sales', 'second'), [], 'another variant');
  });

  it('keeps the newest followed renders', () => {
    const catalog = catalogWith([]);
    for (let index = 0; index < RECENT_DURATION_LIMIT + 2; index += 1) {
      catalog.recordSuccess('sales', null, followed(index * 100, index * 100 + index + 1));
    }
    const merged = catalog.recentDurations('sales', null);
    assert.equal(merged.length, RECENT_DURATION_LIMIT);
    assert.equal(merged[0], RECENT_DURATION_LIMIT + 2);
  });

  it('reports a failed job-list read', async () => {
    const catalog = catalogWith(new Error('connection refused'));
    catalog.recordSuccess('sales', null, followed(0, 3));
    const history = await catalog.readHistory('sales', null);
    assert.ok(history.jobsError instanceof Error);
    assert.equal(history.entries.length, 1, 'the gateway still lists its own render');
    assert.deepEqual(catalog.recentDurations('sales', null), [3]);
  });
});
