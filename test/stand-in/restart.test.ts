import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  awaitTask,
  isAlive,
  readReady,
  REPORT_GUID,
  startReportRender,
  startTestStandIn,
  type TestStandIn,
} from './helpers.js';

const JOBS_PATH = `/__api__/v1/content/${REPORT_GUID}/jobs`;

describe('stand-in restart', () => {
  let test: TestStandIn;
  afterEach(() => test.close());

  it('forgets running and finished tasks', async () => {
    test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'never')}`]);
    const running = await startReportRender(test);
    await test.standIn.restart();
    const poll = await test.request(`/__api__/v1/tasks/${running}`, { as: 'publisher' });
    assert.equal(poll.status, 404);
    assert.equal(poll.body.code, 141);
  });

  it('kills running renders, job without exit code', async () => {
    test = await startTestStandIn((workDir) => [
      `ready:${join(workDir, 'ready.json')}`, `wait-for:${join(workDir, 'never')}`,
    ]);
    await startReportRender(test);
    const { pid } = await readReady(join(test.workDir, 'ready.json'));
    await test.standIn.restart();
    assert.equal(isAlive(pid), false);
    const jobs = await test.request(JOBS_PATH, { as: 'publisher' });
    assert.equal(jobs.status, 200);
    assert.equal(jobs.body.length, 1);
    assert.equal(jobs.body[0].status, 2);
    assert.equal(jobs.body[0].exit_code, null);
    assert.notEqual(jobs.body[0].end_time, null);
    await test.logs.waitFor('render lost in a restart');
  });

  it('keeps jobs, renderings and output', async () => {
    test = await startTestStandIn(['write:index.html=<p>kept</p>']);
    const taskId = await startReportRender(test);
    assert.equal((await awaitTask(test, taskId)).body.code, 0);
    const variants = await test.request(`/__api__/applications/${REPORT_GUID}/variants`,
      { as: 'publisher' });
    const variantId = variants.body[0].id as number;
    await test.standIn.restart();

    const jobs = await test.request(JOBS_PATH, { as: 'publisher' });
    assert.equal(jobs.body.length, 1);
    assert.equal(jobs.body[0].exit_code, 0);
    const renderings = await test.request(`/__api__/variants/${variantId}/renderings`,
      { as: 'publisher' });
    assert.equal(renderings.body.length, 1);
    const output = await test.request(`/content/${REPORT_GUID}/`, { as: 'publisher' });
    assert.equal(output.status, 200);
    assert.equal(output.text, '<p>kept</p>');
  });

  it('ends held polls', async () => {
    test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'never')}`]);
    const taskId = await startReportRender(test);
    const held = test.logs.waitFor('task poll held', (entry) => entry.taskId === taskId);
    const poll = test.request(`/__api__/v1/tasks/${taskId}?wait=20`, { as: 'publisher' })
      .then((answer) => answer.status, (error: unknown) => error);
    await held;
    await test.standIn.restart();
    assert.ok((await poll) instanceof TypeError, 'the held poll got an answer');
  });

  it('renders again after a restart', async () => {
    test = await startTestStandIn();
    await test.standIn.restart();
    const taskId = await startReportRender(test);
    assert.equal((await awaitTask(test, taskId)).body.code, 0);
  });

  it('keeps the faults', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ requests: [{ kind: 'error', status: 503, path: JOBS_PATH }] });
    await test.standIn.restart();
    assert.equal((await test.request(JOBS_PATH, { as: 'publisher' })).status, 503);
  });

  it('rejects once closed', async () => {
    test = await startTestStandIn();
    await test.standIn.close();
    await assert.rejects(test.standIn.restart(), /closed or closing/);
  });
});
