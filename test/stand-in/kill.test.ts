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
  UNKNOWN_GUID,
  type TestStandIn,
  type UserName,
} from './helpers.js';

const JOBS_PATH = `/__api__/v1/content/${REPORT_GUID}/jobs`;

let test: TestStandIn | undefined;

afterEach(async () => {
  await test?.close();
  test = undefined;
});

/** Starts a report render that waits until killed, and returns its task, job key and pid. */
async function startWaitingRender() {
  test = await startTestStandIn((workDir) => [
    `ready:${join(workDir, 'ready.json')}`,
    `wait-for:${join(workDir, 'never')}`,
  ]);
  const taskId = await startReportRender(test);
  const { pid } = await readReady(join(test.workDir, 'ready.json'));
  const jobs = await test.request(JOBS_PATH, { as: 'publisher' });
  const active = jobs.body.filter((job: { status: number }) => job.status === 0);
  assert.equal(active.length, 1, 'one active job');
  return { test, taskId, jobKey: active[0].key as string, pid };
}

function kill(target: TestStandIn, jobKey: string, as: UserName = 'publisher', guid = REPORT_GUID) {
  return target.request(`/__api__/v1/content/${guid}/jobs/${jobKey}`, { as, method: 'DELETE' });
}

describe('job kill', { timeout: 30_000 }, () => {
  it('responds with the kill order', async () => {
    const { test, jobKey } = await startWaitingRender();
    const answer = await kill(test, jobKey);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.job_key, jobKey);
    assert.equal(answer.body.result, 'Order to kill job registered');
    assert.equal(answer.body.content_guid, REPORT_GUID);
    assert.equal(answer.body.app_guid, REPORT_GUID);
    assert.equal(typeof answer.body.job_id, 'number');
    assert.equal(typeof answer.body.app_id, 'number');
  });

  it('ends the task, job and process', async () => {
    const { test, taskId, jobKey, pid } = await startWaitingRender();
    await kill(test, jobKey);
    const task = await awaitTask(test, taskId);
    assert.equal(task.body.finished, true);
    assert.equal(task.body.code, 1);
    assert.equal(task.body.error, 'Unable to render: Rendering exited abnormally: signal: killed');
    assert.equal(isAlive(pid), false, 'the render process survived the kill');

    const job = await test.request(`${JOBS_PATH}/${jobKey}`, { as: 'publisher' });
    assert.equal(job.body.status, 2);
    assert.equal(job.body.exit_code, -1);
    assert.notEqual(job.body.end_time, null);
  });

  it('keeps the last rendering', async () => {
    const { test, taskId, jobKey } = await startWaitingRender();
    await kill(test, jobKey);
    await awaitTask(test, taskId);
    const output = await test.request(`/content/${REPORT_GUID}/`, { as: 'publisher' });
    assert.equal(output.status, 404, 'a killed render became the active rendering');
  });

  it('ended job gets 409 code 163', async () => {
    const { test, taskId, jobKey } = await startWaitingRender();
    await kill(test, jobKey);
    await awaitTask(test, taskId);
    const again = await kill(test, jobKey);
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      code: 163,
      error: 'The specified job cannot be terminated because it is not active',
      payload: null,
    });
  });

  it('unknown job gets 404 code 4', async () => {
    const { test } = await startWaitingRender();
    const answer = await kill(test, 'NoSuchJobKey0000');
    assert.equal(answer.status, 404);
    assert.equal(answer.body.code, 4);
  });

  it('unknown content gets 404 code 4', async () => {
    const { test, jobKey } = await startWaitingRender();
    const answer = await kill(test, jobKey, 'publisher', UNKNOWN_GUID);
    assert.equal(answer.status, 404);
    assert.equal(answer.body.code, 4);
  });

  it('viewer gets 403 and the render goes on', async () => {
    const { test, jobKey, pid } = await startWaitingRender();
    const answer = await kill(test, jobKey, 'viewer');
    assert.equal(answer.status, 403);
    assert.equal(answer.body.code, 22);
    assert.equal(isAlive(pid), true, 'a refused kill ended the render');
    const job = await test.request(`${JOBS_PATH}/${jobKey}`, { as: 'publisher' });
    assert.equal(job.body.status, 0);
  });

  it('editor may kill', async () => {
    const { test, taskId, jobKey } = await startWaitingRender();
    const answer = await kill(test, jobKey, 'editor');
    assert.equal(answer.status, 200, answer.text);
    assert.equal((await awaitTask(test, taskId)).body.code, 1);
  });

  it('missing key gets 401', async () => {
    const { test, jobKey } = await startWaitingRender();
    const answer = await test.request(`${JOBS_PATH}/${jobKey}`, { method: 'DELETE' });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.code, 24);
  });
});
