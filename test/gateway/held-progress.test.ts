import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { setImmediate as flush } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import { holdUntilProgress, LOG_BATCH_MS, type ReleaseReason } from '../../src/gateway/held-progress.js';
import { RenderLog } from '../../src/gateway/render-log.js';
import { RenderRecord } from '../../src/gateway/render-record.js';

function testRecord(): RenderRecord {
  return new RenderRecord({
    handle: 'handle',
    renderId: 'r'.repeat(22),
    reportName: 'sales',
    variant: null,
    requester: null,
    startedAt: new Date(),
    startedBy: null,
    jobKey: null,
    log: new RenderLog('full', (line) => line),
  });
}

/** A held request on a fresh record, and its outcome once it settles. */
function hold(options: { waitSeconds?: number; logBatchMs?: number } = {}) {
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
    const held = hold();
    held.record.appendOutput(['first']);
    await flush();
    assert.equal(held.released(), undefined, 'held after the first line');

    mock.timers.tick(LOG_BATCH_MS - 1);
    held.record.appendOutput(['second']);
    await flush();
    assert.equal(held.released(), undefined, 'held just before the window ends');

    mock.timers.tick(1);
    await held.done;
    assert.equal(held.released(), 'progress');
    assert.equal(held.record.visibleLineCount, 2);
  });

  it('releases at once on the end', async () => {
    const held = hold();
    held.record.appendOutput(['first']);
    await flush();
    held.record.succeed(new Date());
    await held.done;
    assert.equal(held.released(), 'progress');
  });

  it('releases at once on stuck', async () => {
    const held = hold();
    held.record.appendOutput(['first']);
    await flush();
    assert.equal(held.record.markStuck(), true);
    await held.done;
    assert.equal(held.released(), 'progress');
  });

  it('releases lines after the window at once', async () => {
    const held = hold();
    mock.timers.tick(LOG_BATCH_MS);
    await flush();
    assert.equal(held.released(), undefined, 'held without lines');

    held.record.appendOutput(['late']);
    await held.done;
    assert.equal(held.released(), 'progress');
  });

  it('keeps a wait shorter than the window', async () => {
    const held = hold({ waitSeconds: 1 });
    held.record.appendOutput(['first']);
    await flush();
    mock.timers.tick(1_000);
    await held.done;
    assert.equal(held.released(), 'timeout');
  });

  it('releases each line without a window', async () => {
    const held = hold({ logBatchMs: 0 });
    held.record.appendOutput(['first']);
    await held.done;
    assert.equal(held.released(), 'progress');
  });

  it('ends the window when the client leaves', async () => {
    const held = hold();
    held.record.appendOutput(['first']);
    await flush();
    held.raw.emit('close');
    await held.done;
    assert.equal(held.released(), 'client_gone');
  });

  it('ends the window when the gateway closes', async () => {
    const held = hold();
    held.record.appendOutput(['first']);
    await flush();
    held.closing.abort();
    await held.done;
    assert.equal(held.released(), 'closing');
  });
});
