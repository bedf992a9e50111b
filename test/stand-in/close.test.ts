import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startStandIn } from '../../src/stand-in/index.js';
import {
  fixturesDir,
  isAlive,
  LogCapture,
  readReady,
  startReportRender,
  startTestStandIn,
  testConfig,
} from './helpers.js';

describe('close', () => {
  it('kills a running render and its children', { timeout: 30_000 }, async () => {
    const test = await startTestStandIn((workDir) => [
      'grandchild', `ready:${join(workDir, 'ready.json')}`, `wait-for:${join(workDir, 'never')}`,
    ]);
    await startReportRender(test);
    const { pid, grandchildPid } = await readReady(join(test.workDir, 'ready.json'));
    assert.ok(isAlive(pid));
    assert.ok(isAlive(grandchildPid));
    await test.close();
    const survivors = [pid, grandchildPid].filter(isAlive);
    survivors.forEach((survivor) => process.kill(survivor, 'SIGKILL'));
    assert.equal(survivors.includes(pid), false, 'the render process survived close()');
    assert.equal(survivors.includes(grandchildPid), false,
      'a process the render started survived close()');
  });

  it('releases a held poll', { timeout: 30_000 }, async () => {
    const test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'never')}`]);
    const taskId = await startReportRender(test);
    const pollHeld = test.logs.waitFor('task poll held', (entry) => entry.taskId === taskId);
    const poll = test.request(`/__api__/v1/tasks/${taskId}?wait=20`, { as: 'publisher' });
    await pollHeld;
    const started = Date.now();
    await test.close();
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(answer.body.finished, false, 'the poll ended by the render being killed');
    assert.ok(Date.now() - started < 10_000, 'close() waited for the poll timeout');
  });

  it('releases a poll whose client went away', { timeout: 30_000 }, async () => {
    const test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'never')}`]);
    try {
      const taskId = await startReportRender(test);
      const pollHeld = test.logs.waitFor('task poll held', (entry) => entry.taskId === taskId);
      const aborter = new AbortController();
      const poll = test.request(`/__api__/v1/tasks/${taskId}?wait=20`, {
        as: 'publisher', signal: aborter.signal,
      });
      await pollHeld;
      const abortedAt = Date.now();
      aborter.abort();
      await assert.rejects(poll, { name: 'AbortError' });
      await test.logs.waitFor('task poll client went away', (entry) => entry.taskId === taskId);
      assert.ok(Date.now() - abortedAt < 10_000, 'the poll was held until its timeout');
    } finally {
      await test.close();
    }
  });

  it('removes its own temporary state folder', async () => {
    const logs = new LogCapture();
    const standIn = await startStandIn({
      config: testConfig(['node', '-e', '']),
      configDir: fixturesDir,
      port: 0,
      logger: { level: 'info', stream: logs.stream },
    });
    const listening = await logs.waitFor('Connect stand-in listening');
    const stateDir = String(listening.stateDir);
    assert.equal(existsSync(join(stateDir, 'renders')), true);
    await standIn.close();
    assert.equal(existsSync(stateDir), false);
  });
});
