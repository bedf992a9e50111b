import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  awaitTask,
  connectFixturesDir,
  readReady,
  release,
  REPORT_GUID,
  startReportRender,
  startTestStandIn,
  type TestStandIn,
} from './helpers.js';

const RFC3339_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Loads a recorded Connect response body that is a JSON array of objects. */
async function loadFixtureList(name: string): Promise<Array<Record<string, unknown>>> {
  return JSON.parse(await readFile(join(connectFixturesDir, name), 'utf8'));
}

/** Asserts that `actual` has the fixture's fields, each with the fixture's JSON type. */
function assertSameShape(actual: Record<string, unknown>, recorded: Record<string, unknown>) {
  for (const [field, value] of Object.entries(recorded)) {
    assert.ok(field in actual, `missing field ${field}`);
    if (value !== null && actual[field] !== null) {
      assert.equal(typeof actual[field], typeof value, `type of ${field}`);
    }
  }
}

describe('render history', () => {
  let test: TestStandIn;
  let steps: string;
  const setSteps = (list: string[]) => writeFile(steps, JSON.stringify(list));
  const variants = () =>
    test.request(`/__api__/applications/${REPORT_GUID}/variants`, { as: 'publisher' });
  const jobs = () => test.request(`/__api__/v1/content/${REPORT_GUID}/jobs`, { as: 'publisher' });

  before(async () => {
    test = await startTestStandIn((workDir) => [`steps-from:${join(workDir, 'steps.json')}`]);
    steps = join(test.workDir, 'steps.json');
  });
  after(() => test.close());

  it('variant starts without a rendering', async () => {
    const answer = await variants();
    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, 1);
    const [variant] = answer.body;
    const [recorded] = await loadFixtureList('legacy-applications-variants-single-default.json');
    assert.deepEqual(Object.keys(variant).sort(), Object.keys(recorded!).sort());
    assertSameShape(variant, recorded!);
    assert.equal(typeof variant.id, 'number');
    assert.match(variant.key, /^[A-Za-z0-9]{8}$/);
    assert.equal(variant.is_default, true);
    assert.equal(variant.name, 'default');
    assert.equal(variant.render_time, null);
    assert.equal(variant.rendering_id, null);
  });

  it('running job shows status 0', async () => {
    const gate = join(test.workDir, 'gate');
    const ready = join(test.workDir, 'ready.json');
    await setSteps([`ready:${ready}`, `wait-for:${gate}`, 'write:index.html=first']);
    const taskId = await startReportRender(test);
    const { pid } = await readReady(ready);
    const running = (await jobs()).body[0];
    assert.equal(running.status, 0);
    assert.equal(running.end_time, null);
    assert.equal(running.exit_code, null);
    assert.equal(running.pid, String(pid));
    assert.equal(running.tag, 'build_report');
    await release(gate);
    assert.equal((await awaitTask(test, taskId)).body.code, 0);
  });

  it('success updates variant, renderings and jobs', async () => {
    const before = (await variants()).body[0];
    await setSteps(['write:index.html=second']);
    const taskId = await startReportRender(test);
    await awaitTask(test, taskId);

    const variant = (await variants()).body[0];
    assert.match(variant.render_time, RFC3339_MICROS);
    assert.notEqual(variant.rendering_id, before.rendering_id);
    assert.equal(typeof variant.render_duration, 'number');
    assert.ok(variant.render_duration > 0);
    const single = await test.request(`/__api__/variants/${variant.id}`, { as: 'viewer' });
    assert.deepEqual(single.body, variant);

    const renderings = await test.request(`/__api__/variants/${variant.id}/renderings`, {
      as: 'publisher',
    });
    assert.equal(renderings.body.length, 2);
    const [newest, older] = renderings.body;
    assert.deepEqual(Object.keys(newest).sort(), ['active', 'app_id', 'bundle_id', 'id',
      'job_key', 'render_duration', 'render_time', 'variant_id']);
    assert.equal(newest.id, variant.rendering_id);
    assert.equal(newest.active, true);
    assert.equal(older.active, false);
    assert.equal(newest.variant_id, variant.id);
    assert.equal(newest.render_time, variant.render_time);

    const [job] = (await jobs()).body;
    assert.equal(job.key, newest.job_key);
    assert.equal(job.status, 2);
    assert.equal(job.exit_code, 0);
    assert.match(job.end_time, RFC3339_SECONDS);
    assert.match(job.start_time, RFC3339_SECONDS);
    assert.equal(job.tag, 'build_report');
    // Job times are cut to whole seconds, so the job's span may differ from the rendering's
    // nanosecond duration by up to one second either way.
    const jobSpanMs = Date.parse(job.end_time) - Date.parse(job.start_time);
    assert.ok(jobSpanMs >= 0, `job ends before it starts: ${job.start_time} ${job.end_time}`);
    const renderingMs = newest.render_duration / 1e6;
    assert.ok(Math.abs(jobSpanMs - renderingMs) < 1000,
      `job span ${jobSpanMs} ms, rendering duration ${renderingMs} ms`);
    assert.equal(job.variant_id, String(variant.id));
    assert.equal(job.content_guid, REPORT_GUID);
  });

  it('failure keeps render_time and the active rendering', async () => {
    const before = (await variants()).body[0];
    await setSteps(['write:index.html=broken', 'exit:2']);
    const taskId = await startReportRender(test);
    assert.equal((await awaitTask(test, taskId)).body.code, 1);

    assert.deepEqual((await variants()).body[0], before);
    const [job] = (await jobs()).body;
    assert.equal(job.status, 2);
    assert.equal(job.exit_code, 2);
    const served = await test.request(`/content/${REPORT_GUID}/`, { as: 'viewer' });
    assert.equal(served.text, 'second');
  });

  it('jobs match the recorded job fields, newest first', async () => {
    const answer = await jobs();
    assert.equal(answer.body.length, 3);
    const recorded = (await loadFixtureList('v1-content-jobs-2025.01-with-content-guid.json'))[2]!;
    for (const job of answer.body) {
      assertSameShape(job, recorded);
      assert.equal(typeof job.id, 'string');
      assert.equal(typeof job.bundle_id, 'string');
    }
    const jobIds = answer.body.map((job: { id: string }) => Number(job.id));
    assert.deepEqual(jobIds, [...jobIds].sort((a, b) => b - a));
    const singleJob = await test.request(
      `/__api__/v1/content/${REPORT_GUID}/jobs/${answer.body[1].key}`, { as: 'editor' });
    assert.deepEqual(singleJob.body, answer.body[1]);
  });

  it('jobs reject viewers and unknown keys', async () => {
    const viewer = await test.request(`/__api__/v1/content/${REPORT_GUID}/jobs`, {
      as: 'viewer',
    });
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.code, 22);
    const unknown = await test.request(`/__api__/v1/content/${REPORT_GUID}/jobs/NoSuchJob`, {
      as: 'admin',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 4);
  });

  it('parallel renders both finish', async () => {
    const gate = join(test.workDir, 'gate-parallel');
    await setSteps([`wait-for:${gate}`, 'write:index.html=parallel']);
    const firstTask = await startReportRender(test);
    const secondTask = await startReportRender(test);
    assert.notEqual(firstTask, secondTask);
    const running = (await jobs()).body.filter((job: { status: number }) => job.status === 0);
    assert.equal(running.length, 2);
    await release(gate);
    assert.equal((await awaitTask(test, firstTask)).body.code, 0);
    assert.equal((await awaitTask(test, secondTask)).body.code, 0);
  });
});
