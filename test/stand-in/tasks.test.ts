import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { TASK_OUTPUT_LINE_LIMIT } from '../../src/stand-in/task-store.js';
import {
  awaitTask,
  release,
  REPORT_GUID,
  startReportRender,
  startTestStandIn,
  type TestStandIn,
} from './helpers.js';

/** Connect's output prefix: UTC date and time with nine fraction digits, then a space. */
const PREFIX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{9} /;
const TASK_141 = {
  code: 141,
  error: 'Task lookup failures can indicate that a load balancer is not using sticky sessions '
    + 'or a client is not including the session cookie. Details: '
    + 'https://docs.posit.co/connect/admin/load-balancing/',
  payload: null,
};

describe('task polls', () => {
  let test: TestStandIn;
  afterEach(() => test.close());

  it('long poll ends when the render finishes', { timeout: 30_000 }, async () => {
    test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'gate')}`]);
    const gate = join(test.workDir, 'gate');
    const taskId = await startReportRender(test);
    const pollHeld = test.logs.waitFor('task poll held', (entry) => entry.taskId === taskId);
    const started = Date.now();
    const poll = test.request(`/__api__/v1/tasks/${taskId}?wait=20`, { as: 'publisher' });
    await pollHeld;
    await release(gate);
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(answer.body.finished, true);
    assert.equal(answer.body.code, 0);
    assert.ok(Date.now() - started < 15_000, 'the poll waited for its timeout');
  });

  it('wait returns an unfinished task after the timeout', async () => {
    test = await startTestStandIn((workDir) => [`wait-for:${join(workDir, 'never')}`]);
    const taskId = await startReportRender(test);
    const answer = await test.request(`/__api__/v1/tasks/${taskId}?wait=1`, { as: 'publisher' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.finished, false);
  });

  it('task fields and prefixed output', async () => {
    test = await startTestStandIn(['print:to stdout', 'stderr:to stderr', 'partial:no newline']);
    const taskId = await startReportRender(test);
    const answer = await awaitTask(test, taskId);
    assert.deepEqual(Object.keys(answer.body).sort(),
      ['code', 'error', 'finished', 'id', 'last', 'output', 'result']);
    assert.equal(answer.body.id, taskId);
    assert.equal(answer.body.result, null);
    assert.equal(answer.body.error, '');
    assert.equal(answer.body.last, answer.body.output.length);
    const output: string[] = answer.body.output;
    assert.deepEqual(output.slice(0, 2), ['Building R Markdown document...',
      'Launching R Markdown document...']);
    const processLines = output.slice(2);
    assert.equal(processLines.length, 3);
    for (const line of processLines) {
      assert.match(line, PREFIX);
    }
    const texts = processLines.map((line) => line.replace(PREFIX, '')).sort();
    assert.deepEqual(texts, ['no newline', 'to stderr', 'to stdout']);
  });

  it('first returns the lines from that index', async () => {
    test = await startTestStandIn(['lines:3']);
    const taskId = await startReportRender(test);
    const all = await awaitTask(test, taskId);
    const total = all.body.last;
    const tail = await test.request(`/__api__/v1/tasks/${taskId}?first=${total - 1}`, {
      as: 'publisher',
    });
    assert.deepEqual(tail.body.output, all.body.output.slice(total - 1));
    assert.equal(tail.body.last, total);
    const none = await test.request(`/__api__/v1/tasks/${taskId}?first=${total}`, {
      as: 'publisher',
    });
    assert.deepEqual(none.body.output, []);
  });

  it('rejects invalid first and wait with code 25', async () => {
    test = await startTestStandIn(['lines:2']);
    const taskId = await startReportRender(test);
    const finished = await awaitTask(test, taskId);
    const total = finished.body.last;
    const invalid = [`first=${total + 1}`, 'first=-1', 'first=abc', 'first=1.5', 'wait=21',
      'wait=-1', 'wait=x', 'wait=1&wait=2'];
    for (const query of invalid) {
      const answer = await test.request(`/__api__/v1/tasks/${taskId}?${query}`, {
        as: 'publisher',
      });
      assert.equal(answer.status, 400, query);
      assert.deepEqual(answer.body, { code: 25, error: 'The parameter is invalid.', payload: null },
        query);
    }
    const valid = await test.request(`/__api__/v1/tasks/${taskId}?first=${total}&wait=20`, {
      as: 'publisher',
    });
    assert.equal(valid.status, 200);
  });

  it('unknown task answers 404 code 141', async () => {
    test = await startTestStandIn();
    const answer = await test.request('/__api__/v1/tasks/NoSuchTask000000', { as: 'publisher' });
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.body, TASK_141);
  });

  it('failure reports code 1 and the exit status', async () => {
    test = await startTestStandIn(['print:failing', 'exit:3']);
    const taskId = await startReportRender(test);
    const answer = await awaitTask(test, taskId);
    assert.equal(answer.body.finished, true);
    assert.equal(answer.body.code, 1);
    assert.equal(answer.body.error, 'Unable to render: Rendering exited abnormally: exit status 3');
  });

  it('missing program fails like a non-zero exit', async () => {
    test = await startTestStandIn([], { reportCommand: ['no-such-program-for-stand-in-tests'] });
    const taskId = await startReportRender(test);
    const answer = await awaitTask(test, taskId);
    assert.equal(answer.body.code, 1);
    assert.equal(answer.body.error,
      'Unable to render: Rendering exited abnormally: exit status 127');
    assert.ok(answer.body.output.some((line: string) =>
      line.includes('Unable to start no-such-program-for-stand-in-tests')));
  });

  it('caps the output and says so', async () => {
    test = await startTestStandIn([`lines:${TASK_OUTPUT_LINE_LIMIT + 50}`]);
    const taskId = await startReportRender(test);
    const answer = await awaitTask(test, taskId);
    assert.equal(answer.body.code, 0);
    assert.equal(answer.body.last, TASK_OUTPUT_LINE_LIMIT);
    assert.match(answer.body.output.at(-1), /Output reached 10000 lines; later lines are not kept/);
  });

  it('renders only pass PATH, HOME and LANG', async () => {
    process.env.CONNECT_SERVER = 'http://connect.example';
    try {
      test = await startTestStandIn(['env:CONNECT_SERVER', 'env:PATH', 'env:CONNECT_API_KEY']);
      const taskId = await startReportRender(test);
      const answer = await awaitTask(test, taskId);
      const texts = answer.body.output.map((line: string) => line.replace(PREFIX, ''));
      assert.ok(texts.includes('CONNECT_SERVER=(unset)'));
      assert.ok(texts.includes('CONNECT_API_KEY=(unset)'));
      assert.ok(texts.includes(`PATH=${process.env.PATH}`));
    } finally {
      delete process.env.CONNECT_SERVER;
    }
  });
});

describe('busy and clustered servers', () => {
  let test: TestStandIn;
  afterEach(() => test.close());

  it('missingTaskPolls hides each new task for N polls', async () => {
    test = await startTestStandIn(['print:done'], { missingTaskPolls: 2 });
    const taskId = await startReportRender(test);
    const path = `/__api__/v1/tasks/${taskId}`;
    const first = await test.request(path, { as: 'publisher' });
    const second = await test.request(path, { as: 'publisher' });
    assert.equal(first.status, 404);
    assert.deepEqual(first.body, TASK_141);
    assert.equal(second.status, 404);
    const third = await awaitTask(test, taskId);
    assert.equal(third.status, 200);
    assert.equal(third.body.finished, true);
    const nextTask = await startReportRender(test);
    const nextPoll = await test.request(`/__api__/v1/tasks/${nextTask}`, { as: 'publisher' });
    assert.equal(nextPoll.status, 404, 'a new task is hidden again');
  });

  it('stickyCookie requires the node cookie on polls', async () => {
    test = await startTestStandIn(['print:done'], { stickyCookie: true });
    const answer = await test.request(`/__api__/v1/content/${REPORT_GUID}/render`, {
      as: 'publisher', method: 'POST', body: '{}',
    });
    const setCookie = answer.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^stand-in-node=[A-Za-z0-9]{16}; Path=\//);
    const cookie = setCookie.split(';')[0]!;
    const path = `/__api__/v1/tasks/${answer.body.task_id}?wait=20`;
    const without = await test.request(path, { as: 'publisher' });
    assert.equal(without.status, 404);
    assert.deepEqual(without.body, TASK_141);
    const wrong = await test.request(path, {
      as: 'publisher', headers: { cookie: 'stand-in-node=AAAAAAAAAAAAAAAA' },
    });
    assert.equal(wrong.status, 404);
    const withCookie = await test.request(path, {
      as: 'publisher', headers: { cookie: `other=1; ${cookie}` },
    });
    assert.equal(withCookie.status, 200);
    assert.equal(withCookie.body.finished, true);
  });

  it('legacy render sets the node cookie too', async () => {
    test = await startTestStandIn(['print:done'], { stickyCookie: true });
    const variants = await test.request(`/__api__/applications/${REPORT_GUID}/variants`, {
      as: 'publisher',
    });
    const answer = await test.request(`/__api__/variants/${variants.body[0].id}/render`, {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.match(answer.headers.get('set-cookie') ?? '', /^stand-in-node=/);
  });
});
