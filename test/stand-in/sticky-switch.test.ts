import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { join } from 'node:path';
import { REPORT_GUID, startTestStandIn, type TestStandIn } from './helpers.js';

describe('sticky-cookie fault', () => {
  let test: TestStandIn;
  afterEach(() => test.close());

  it('switches on and off while running', async () => {
    test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'never')}`]);
    test.standIn.faults.set({ stickyCookie: true });
    const render = await test.request(`/__api__/v1/content/${REPORT_GUID}/render`, {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(render.status, 202);
    const cookie = (render.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.match(cookie, /^stand-in-node=\w+$/);
    const taskPath = `/__api__/v1/tasks/${render.body.task_id}`;

    const withoutCookie = await test.request(taskPath, { as: 'publisher' });
    assert.equal(withoutCookie.status, 404);
    assert.equal(withoutCookie.body.code, 141);
    const withCookie = await test.request(taskPath, { as: 'publisher', headers: { cookie } });
    assert.equal(withCookie.status, 200);

    test.standIn.faults.clear();
    const afterClear = await test.request(taskPath, { as: 'publisher' });
    assert.equal(afterClear.status, 200);
  });

  it('start option sets the mode', async () => {
    test = await startTestStandIn(undefined, { stickyCookie: true });
    assert.equal(test.standIn.faults.current().stickyCookie, true);
  });
});
