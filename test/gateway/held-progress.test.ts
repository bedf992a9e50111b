import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { setImmediate as flush } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import { holdUntilProgress, LOG_BATCH_MS, type ReleaseReason } from '../../src/gateway/held-progress.js';
import { testRecord } from './record-fixtures.js';

/** Starts holding a request on a fresh record; returns it with a reader of its release reason. */
function holdRequest(options: { waitSeconds?: number; logBatchMs?: number } = {}) {
  const record = testRecord();
  const raw = new EventEmitter();
  const closing = new AbortController();
  let released: ReleaseReason | undefined;
  const done = holdUntilProgress(record, 0, { raw } as unknown as FastifyReply, {
    waitSeconds: options.waitSeconds ?? 30,
    logBatchMs: options.logBatchMs ?? LOG_BATCH_MS,
    closeSignal: closing.signal,
  }).then((reason) => {
    released = reason;
  });
  return { record, raw, closing, done, released: () => released };
}

describe('held progress requests', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  });

  afterEach(() => {
    mock.timers.reset();
  });

  it('batches new lines for the window', async () => {
    const request = holdRequest();
    request.record.appendOutput(['first']);
    await flush();
    assert.equal(request.released(), undefined, 'held after the first line');

    mock.timers.tick(LOG_BATCH_MS - 1);
    request.record.appendOutput(['second']);
    await flush();
    assert.equal(request.released(), undefined, 'held just before the window ends');

    mock.timers.tick(1);
    await request.done;
    assert.equal(request.released(), 'progress');
    assert.equal(request.record.visibleLineCount, 2);
  });

  it('releases at once on the end', async () => {
    const request = holdRequest();
    request.record.appendOutput(['first']);
    await flush();
    request.record.succeed(new Date());
    await request.done;
    assert.equal(request.released(), 'progress');
  });

  it('releases at once on stuck', async () => {
    const request = holdRequest();
    request.record.appendOutput(['first']);
    await flush();
    assert.equal(request.record.markStuck(), true);
    await request.done;
    assert.equal(request.released(), 'progress');
  });

  it('releases lines after the window at once', async () => {
    const request = holdRequest();
    mock.timers.tick(LOG_BATCH_MS);
    await flush();
    assert.equal(request.released(), undefined, 'held without lines');

    request.record.appendOutput(['late']);
    await request.done;
    assert.equal(request.released(), 'progress');
  });

  it('keeps a wait shorter than the window', async () => {
    const request = holdRequest({ waitSeconds: 1 });
    request.record.appendOutput(['first']);
    await flush();
    mock.timers.tick(1_000);
    await request.done;
    assert.equal(request.released(), 'timeout');
  });

  it('releases each line without a window', async () => {
    const request = holdRequest({ logBatchMs: 0 });
    request.record.appendOutput(['first']);
    await request.done;
    assert.equal(request.released(), 'progress');
  });

  it('ends the window when the client leaves', async () => {
    const request = holdRequest();
    request.record.appendOutput(['first']);
    await flush();
    request.raw.emit('close');
    await request.done;
    assert.equal(request.released(), 'client_gone');
  });

  it('ends the window when the gateway closes', async () => {
    const request = holdRequest();
    request.record.appendOutput(['first']);
    await flush();
    request.closing.abort();
    await request.done;
    assert.equal(request.released(), 'closing');
  });
});
