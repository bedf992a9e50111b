import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  awaitTask,
  PUBLIC_GUID,
  REPORT_GUID,
  startReportRender,
  startTestStandIn,
  type TestStandIn,
} from './helpers.js';

const JOBS_PATH = `/__api__/v1/content/${REPORT_GUID}/jobs`;

/** Resolves once the stand-in has paused a render of the report. */
function renderHeld(test: TestStandIn) {
  return test.logs.waitFor('render held by a hanging-render fault',
    (entry) => entry.guid === REPORT_GUID);
}

describe('hanging renders', () => {
  let test: TestStandIn;
  afterEach(() => test.close());

  it('hanging render stays unfinished', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ hangingRenders: [REPORT_GUID] });
    const held = renderHeld(test);
    const taskId = await startReportRender(test);
    await held;
    const poll = await test.request(`/__api__/v1/tasks/${taskId}?wait=1`, { as: 'publisher' });
    assert.equal(poll.status, 200);
    assert.equal(poll.body.finished, false);
    const jobs = await test.request(JOBS_PATH, { as: 'publisher' });
    assert.equal(jobs.body[0].status, 0);
  });

  it('clearing the fault lets it finish', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ hangingRenders: [REPORT_GUID] });
    const held = renderHeld(test);
    const taskId = await startReportRender(test);
    await held;
    test.standIn.faults.clear();
    const answer = await awaitTask(test, taskId);
    assert.equal(answer.body.finished, true);
    assert.equal(answer.body.code, 0);
  });

  it('other content renders as usual', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ hangingRenders: [REPORT_GUID] });
    const taskId = await startReportRender(test, PUBLIC_GUID);
    assert.equal((await awaitTask(test, taskId)).body.code, 0);
  });

  it('restart kills a hanging render', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ hangingRenders: [REPORT_GUID] });
    const held = renderHeld(test);
    await startReportRender(test);
    await held;
    await test.standIn.restart();
    const jobs = await test.request(JOBS_PATH, { as: 'publisher' });
    assert.equal(jobs.body[0].status, 2);
    assert.equal(jobs.body[0].exit_code, null);
  });

  it('close ends a hanging render', async () => {
    test = await startTestStandIn();
    test.standIn.faults.set({ hangingRenders: [REPORT_GUID] });
    const held = renderHeld(test);
    await startReportRender(test);
    await held;
    await test.standIn.close();
  });
});
