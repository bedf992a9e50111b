import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  decodeApiError,
  decodeContent,
  decodeJobKillOrder,
  decodeJobs,
  decodeLegacyRenderTask,
  decodeTask,
  decodeVariants,
} from '../../src/connect/index.js';
import { listFixtureNames, readFixture } from './fixtures.js';

/** Decoder of each recorded response. The test fails until each new fixture is added here. */
const DECODER_BY_FIXTURE: Record<string, (json: unknown) => unknown> = {
  'error-403-code22-permission-denied.json': decodeApiError,
  'error-404-code4-object-does-not-exist.json': decodeApiError,
  'legacy-applications-variants-default-and-second.json': decodeVariants,
  'legacy-applications-variants-single-default.json': decodeVariants,
  'legacy-variants-render-post-response.json': decodeLegacyRenderTask,
  'v1-content-get-quarto-static-include-tags-owner.json': decodeContent,
  'v1-content-get-quarto-static.json': decodeContent,
  'v1-content-get-shiny-app.json': decodeContent,
  'v1-content-job-kill-order.json': decodeJobKillOrder,
  'v1-content-jobs-2024.08-active-and-finalized.json': decodeJobs,
  'v1-content-jobs-2025.01-with-content-guid.json': decodeJobs,
  'v1-content-jobs-build-report-doc-example.json': decodeJobs,
  'v1-task-shape-finished-ok.json': decodeTask,
  'v1-tasks-finished-error.json': decodeTask,
  'v1-tasks-running.json': decodeTask,
};

describe('recorded Connect responses', () => {
  const names = listFixtureNames();

  it('fixtures folder is not empty', () => {
    assert.ok(names.length > 0, 'no .json files found in the fixtures folder');
  });

  it('every fixture has a decoder', () => {
    const unmapped = names.filter((name) => !(name in DECODER_BY_FIXTURE));
    assert.deepEqual(unmapped, [], 'map each new fixture to its decoder in this test');
  });

  it('every mapped decoder has its fixture', () => {
    const missing = Object.keys(DECODER_BY_FIXTURE).filter((name) => !names.includes(name));
    assert.deepEqual(missing, []);
  });

  for (const name of names) {
    it(`decodes ${name}`, () => {
      const decode = DECODER_BY_FIXTURE[name];
      assert.ok(decode, `no decoder mapped for ${name}`);
      assert.notEqual(decode(readFixture(name)), null);
    });
  }
});

describe('decoded fixture values', () => {
  it('content of a quarto report', () => {
    const content = decodeContent(readFixture('v1-content-get-quarto-static.json'));
    assert.equal(content.guid, 'f2f37341-e21d-3d80-c698-a935ad614066');
    assert.equal(content.app_mode, 'quarto-static');
    assert.equal(content.app_role, 'viewer');
    assert.equal(content.title, 'Performance Data');
    assert.equal(content.last_deployed_time, '2024-02-24T09:56:30Z');
  });

  it('content of a shiny app', () => {
    const content = decodeContent(readFixture('v1-content-get-shiny-app.json'));
    assert.equal(content.app_mode, 'shiny');
    assert.equal(content.app_role, 'owner');
  });

  it('legacy variant ids become strings', () => {
    const json = readFixture('legacy-applications-variants-single-default.json');
    const [variant] = decodeVariants(json);
    assert.ok(variant);
    assert.equal(variant.id, '6627');
    assert.equal(variant.key, 'txvRW8SG');
    assert.equal(variant.is_default, true);
    assert.equal(variant.rendering_id, '3055012');
    assert.equal(variant.render_time, '2024-07-17T18:33:49.284709Z');
    assert.equal(variant.render_duration, 5695616577);
  });

  it('default and second variant', () => {
    const variants = decodeVariants(
      readFixture('legacy-applications-variants-default-and-second.json'),
    );
    assert.deepEqual(
      variants.map((variant) => [variant.id, variant.key, variant.is_default]),
      [['6644', 'WrEKKa77', true], ['6666', 'SECOND', false]],
    );
  });

  it('legacy render response gives task id', () => {
    const task = decodeLegacyRenderTask(readFixture('legacy-variants-render-post-response.json'));
    assert.deepEqual(task, { id: 'v9XYo7OKkAQJPraI' });
  });

  it('error envelopes give codes 22 and 4', () => {
    const forbidden = decodeApiError(readFixture('error-403-code22-permission-denied.json'));
    const missing = decodeApiError(readFixture('error-404-code4-object-does-not-exist.json'));
    assert.equal(forbidden?.code, 22);
    assert.equal(forbidden?.error, "You don't have permission to perform this operation.");
    assert.equal(forbidden?.payload, null);
    assert.equal(missing?.code, 4);
    assert.equal(missing?.error, 'The requested object does not exist.');
  });

  it('kill order names the job key', () => {
    const order = decodeJobKillOrder(readFixture('v1-content-job-kill-order.json'));
    assert.equal(order.job_key, 'k3sHkEoWJNwQim7g');
    assert.equal(order.result, 'Order to kill job registered');
  });

  it('jobs of 2024.08 with active and finalized', () => {
    const jobs = decodeJobs(readFixture('v1-content-jobs-2024.08-active-and-finalized.json'));
    assert.equal(jobs.length, 6);
    assert.deepEqual(jobs.map((job) => job.status), [0, 0, 2, 2, 2, 2]);
    assert.equal(jobs[0]!.end_time, null);
    assert.equal(jobs[0]!.exit_code, null);
    assert.equal(jobs[2]!.end_time, '2024-11-25T23:25:39Z');
    assert.equal(jobs[2]!.exit_code, 0);
    assert.equal(jobs[2]!.tag, 'run_app');
  });

  it('jobs of 2025.01 decode like 2024.08', () => {
    const older = decodeJobs(readFixture('v1-content-jobs-2024.08-active-and-finalized.json'));
    const newer = decodeJobs(readFixture('v1-content-jobs-2025.01-with-content-guid.json'));
    assert.deepEqual(newer, older);
  });

  it('build_report job example', () => {
    const [job] = decodeJobs(readFixture('v1-content-jobs-build-report-doc-example.json'));
    assert.ok(job);
    assert.equal(job.tag, 'build_report');
    assert.equal(job.variant_id, '54');
    assert.equal(job.end_time, '2006-01-02T15:04:05-07:00');
  });

  it('running and finished tasks', () => {
    const running = decodeTask(readFixture('v1-tasks-running.json'));
    const failed = decodeTask(readFixture('v1-tasks-finished-error.json'));
    const succeeded = decodeTask(readFixture('v1-task-shape-finished-ok.json'));
    assert.equal(running.finished, false);
    assert.deepEqual(running.output, ['Deleting runtime cache...']);
    assert.equal(running.last, 1);
    assert.equal(failed.finished, true);
    assert.equal(failed.code, 1);
    assert.equal(failed.error, 'Unable to render: Rendering exited abnormally: exit status 1');
    assert.equal(succeeded.code, 0);
    assert.equal(succeeded.last, 2);
  });
});
