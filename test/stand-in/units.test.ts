import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { formatOutputTimestamp, formatRfc3339 } from '../../src/stand-in/clock.js';
import { LineSplitter, MAX_LINE_LENGTH } from '../../src/stand-in/line-splitter.js';
import { TaskStore } from '../../src/stand-in/task-store.js';

/** 2024-04-24T13:08:04.901698921Z in nanoseconds since the Unix epoch. */
const SAMPLE_NS = 1713964084901698921n;

describe('clock formats', () => {
  it('output prefix has nine fraction digits', () => {
    assert.equal(formatOutputTimestamp(SAMPLE_NS), '2024/04/24 13:08:04.901698921');
  });

  it('output prefix pads small fractions', () => {
    assert.equal(formatOutputTimestamp(1713964084000000007n), '2024/04/24 13:08:04.000000007');
  });

  it('RFC 3339 in seconds and microseconds', () => {
    assert.equal(formatRfc3339(SAMPLE_NS), '2024-04-24T13:08:04Z');
    assert.equal(formatRfc3339(SAMPLE_NS, 6), '2024-04-24T13:08:04.901698Z');
  });
});

describe('LineSplitter', () => {
  it('joins lines across chunks', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push(Buffer.from('first\nsec')), ['first']);
    assert.deepEqual(splitter.push(Buffer.from('ond\r\nthird')), ['second']);
    assert.deepEqual(splitter.flush(), ['third']);
    assert.deepEqual(splitter.flush(), []);
  });

  it('keeps a character split across chunks', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('café\n');
    assert.deepEqual(splitter.push(bytes.subarray(0, 4)), []);
    assert.deepEqual(splitter.push(bytes.subarray(4)), ['café']);
  });

  it('splits overlong lines', () => {
    const splitter = new LineSplitter();
    const lines = splitter.push(Buffer.from(`${'x'.repeat(MAX_LINE_LENGTH + 5)}\n`));
    assert.deepEqual(lines.map((line) => line.length), [MAX_LINE_LENGTH, 5]);
    const unterminated = splitter.push(Buffer.from('y'.repeat(MAX_LINE_LENGTH + 1)));
    assert.deepEqual(unterminated.map((line) => line.length), [MAX_LINE_LENGTH]);
    assert.deepEqual(splitter.flush(), ['y']);
  });
});

describe('TaskStore', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('forgets a finished task after the retention time', () => {
    const store = new TaskStore({ retentionMs: 1000, missingPolls: 0 });
    const task = store.create(1);
    store.finish(task, 0, '');
    mock.timers.tick(999);
    assert.equal(store.get(task.id), task);
    mock.timers.tick(1);
    assert.equal(store.get(task.id), undefined);
  });

  it('keeps a running task', () => {
    const store = new TaskStore({ retentionMs: 1000, missingPolls: 0 });
    const task = store.create(1);
    mock.timers.tick(5000);
    assert.equal(store.get(task.id), task);
  });

  it('wait ends at finish, not at new output', async () => {
    const store = new TaskStore({ retentionMs: 1000, missingPolls: 0 });
    const task = store.create(1);
    let ended = false;
    const waiting = store.waitForFinish(task, 20_000).then(() => {
      ended = true;
    });
    store.append(task, 'a line');
    await Promise.resolve();
    assert.equal(ended, false);
    store.finish(task, 0, '');
    await waiting;
    assert.equal(ended, true);
    assert.equal(store.waitingPolls, 0);
  });

  it('wait ends at its timeout', async () => {
    const store = new TaskStore({ retentionMs: 1000, missingPolls: 0 });
    const task = store.create(1);
    const waiting = store.waitForFinish(task, 3000);
    assert.equal(store.waitingPolls, 1);
    mock.timers.tick(3000);
    await waiting;
    assert.equal(store.waitingPolls, 0);
    assert.equal(task.finished, false);
  });

  it('wait ends on abort and on release', async () => {
    const store = new TaskStore({ retentionMs: 1000, missingPolls: 0 });
    const task = store.create(1);
    const aborter = new AbortController();
    const aborted = store.waitForFinish(task, 20_000, aborter.signal);
    const released = store.waitForFinish(task, 20_000);
    assert.equal(store.waitingPolls, 2);
    aborter.abort();
    await aborted;
    assert.equal(store.waitingPolls, 1);
    store.releaseWaiters();
    await released;
    assert.equal(store.waitingPolls, 0);
  });

  it('ignores output after finish', () => {
    const store = new TaskStore({ retentionMs: 1000, missingPolls: 0 });
    const task = store.create(1);
    store.append(task, 'kept');
    store.finish(task, 1, 'failed');
    store.append(task, 'late');
    assert.deepEqual(task.output, ['kept']);
    assert.equal(task.code, 1);
  });
});
