import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../../src/connect/index.js';
import { withJobEndTime } from '../../src/gateway/lost-renders.js';
import { oldestRenderJobNotIn } from '../../src/gateway/render-jobs.js';
import { recordingLogger } from './registry-fakes.js';

function job(key: string, start: string, end: string | null, fields: Partial<Job> = {}): Job {
  return {
    id: key,
    key,
    tag: 'build_report',
    status: end === null ? 0 : 2,
    start_time: start,
    end_time: end,
    exit_code: end === null ? null : 0,
    variant_id: null,
    variant_key: null,
    bundle_id: null,
    ...fields,
  };
}

const KNOWN = new Set(['old']);
const STARTED_AT = new Date('2026-12-04T10:00:00.650Z');

describe('oldestRenderJobNotIn', () => {
  it('picks the first new render job', () => {
    const jobs = [
      job('old', '2026-12-04T09:00:00Z', '2026-12-04T09:01:00Z'),
      job('later', '2026-12-04T10:00:05Z', '2026-12-04T10:00:09Z'),
      job('ours', '2026-12-04T10:00:00Z', '2026-12-04T10:00:02Z'),
      job('bundle', '2026-12-04T09:59:59Z', '2026-12-04T10:00:01Z', { tag: 'build_bundle' }),
    ];
    assert.equal(oldestRenderJobNotIn(jobs, KNOWN)?.key, 'ours');
  });

  it('breaks a same-second tie by id', () => {
    const jobs = [
      job('newer', '2026-12-04T10:00:00Z', '2026-12-04T10:00:04Z', { id: '100' }),
      job('ours', '2026-12-04T10:00:00Z', '2026-12-04T10:00:01Z', { id: '99' }),
    ];
    assert.equal(oldestRenderJobNotIn(jobs, KNOWN)?.key, 'ours');
  });

  it('finds none without new jobs', () => {
    assert.equal(oldestRenderJobNotIn([job('old', '2026-12-04T09:00:00Z', null)], KNOWN), undefined);
  });
});

describe('withJobEndTime', () => {
  const succeeded = { kind: 'succeeded' as const, seenLate: true };

  async function settle(jobs: Job[] | Error) {
    const { logger, lines } = recordingLogger();
    const listJobs = async () => {
      if (jobs instanceof Error) {
        throw jobs;
      }
      return jobs;
    };
    const outcome = await withJobEndTime(succeeded, { knownJobKeys: KNOWN, listJobs, startedAt: STARTED_AT }, logger);
    return { outcome, lines };
  }

  it('adds the job duration to the start', async () => {
    const { outcome } = await settle([job('ours', '2026-12-04T10:00:00Z', '2026-12-04T10:00:02Z')]);
    assert.equal(outcome.kind, 'succeeded');
    assert.equal((outcome as { finishedAt?: Date }).finishedAt?.toISOString(), '2026-12-04T10:00:02.650Z');
  });

  it('never ends before the start', async () => {
    const { outcome } = await settle([job('ours', '2026-12-04T10:00:00Z', '2026-12-04T10:00:00Z')]);
    assert.equal((outcome as { finishedAt?: Date }).finishedAt?.getTime(), STARTED_AT.getTime());
  });

  it('keeps the outcome for a running job', async () => {
    const { outcome } = await settle([job('ours', '2026-12-04T10:00:00Z', null)]);
    assert.deepEqual(outcome, succeeded);
  });

  it('keeps the outcome when listing fails', async () => {
    const { outcome, lines } = await settle(new Error('socket hang up'));
    assert.deepEqual(outcome, succeeded);
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]!.msg), /^Could not read the job list/);
  });
});
