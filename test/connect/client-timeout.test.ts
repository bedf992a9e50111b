/**
 * Request timeouts under node:test's mock timers. The fetch here is a stub that settles only
 * when its signal aborts, because no sockets may be open while timers are mocked. Node's
 * HTTP stack would share the mocked setTimeout and clearTimeout, and a stale clearTimeout
 * from it can cancel a mocked timer of this test. The real-server timeout test is in
 * client-abort.test.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';

import { ConnectClient, ConnectUnreachableError } from '../../src/connect/index.js';

const API_KEY = 'k3yAbCdEf0123456789';

/** Returns a fetch that records each request's signal and rejects only when it aborts. */
function hangingFetch(signals: AbortSignal[]): typeof fetch {
  return (_input, init) => {
    const signal = init!.signal!;
    signals.push(signal);
    return new Promise<Response>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  };
}

function clientWith(signals: AbortSignal[], requestTimeoutMs?: number): ConnectClient {
  return new ConnectClient({
    server: 'http://connect.test',
    apiKey: API_KEY,
    fetch: hangingFetch(signals),
    requestTimeoutMs,
  });
}

/** Captures a rejection without awaiting it yet. */
function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout'] });
});

afterEach(() => {
  mock.timers.reset();
});

describe('request timeout', () => {
  it('fires at requestTimeoutMs', async () => {
    const signals: AbortSignal[] = [];
    const result = settle(clientWith(signals, 1000).getContent('g1'));
    assert.equal(signals.length, 1);

    mock.timers.tick(999);
    assert.equal(signals[0]!.aborted, false, 'aborted before the timeout');
    mock.timers.tick(1);
    assert.equal(signals[0]!.aborted, true, 'not aborted at the timeout');

    const error = await result;
    assert.ok(error instanceof ConnectUnreachableError);
    assert.equal(error.timedOut, true);
    assert.match(error.message, /^GET \/__api__\/v1\/content\/g1 to Connect at .* after 1000 ms/);
  });

  it('grows by the task wait', async () => {
    const signals: AbortSignal[] = [];
    const result = settle(clientWith(signals, 1000).getTask('T1', { wait: 2 }));

    mock.timers.tick(2999);
    assert.equal(signals[0]!.aborted, false, 'aborted before timeout plus wait');
    mock.timers.tick(1);
    assert.equal(signals[0]!.aborted, true);

    const error = await result;
    assert.ok(error instanceof ConnectUnreachableError);
    assert.match(error.message, /timed out after 3000 ms/);
  });

  it('defaults to 30 seconds', async () => {
    const signals: AbortSignal[] = [];
    const result = settle(clientWith(signals).getContent('g1'));

    mock.timers.tick(29_999);
    assert.equal(signals[0]!.aborted, false);
    mock.timers.tick(1);
    assert.equal(signals[0]!.aborted, true);
    assert.ok((await result) instanceof ConnectUnreachableError);
  });

  it('caller abort before the timeout', async () => {
    const signals: AbortSignal[] = [];
    const controller = new AbortController();
    const result = settle(clientWith(signals, 1000).getContent('g1', controller.signal));

    const reason = new Error('caller gave up');
    controller.abort(reason);
    assert.equal(await result, reason);
    mock.timers.tick(1000);
  });
});
