import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ConnectClient, ConnectUnreachableError } from '../../src/connect/index.js';
import { jsonRoute, startScriptedServer, type ScriptedServer } from './scripted-server.js';

const API_KEY = 'k3yAbCdEf0123456789';

/** Leaves the request open; the server closes the connection when the test ends. */
const hold = (): void => {};

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('request timeout on a real server', () => {
  it('ends a request without response', async () => {
    server = await startScriptedServer({ 'GET /__api__/v1/content/g1': hold });
    const client = new ConnectClient({ server: server.url, apiKey: API_KEY, requestTimeoutMs: 50 });
    const error = await client.getContent('g1').then(
      () => assert.fail('expected a timeout'),
      (rejection: unknown) => rejection,
    );
    assert.ok(error instanceof ConnectUnreachableError);
    assert.equal(error.timedOut, true);
    assert.match(error.message, /^GET \/__api__\/v1\/content\/g1 to Connect at .* after 50 ms/);
    // The 50 ms timer may fire before a loaded machine delivers the request, so only a retry
    // (a second request) is an error here.
    assert.ok(server.requests.length <= 1, `sent ${server.requests.length} requests, expected 1`);
  });
});

describe('abort by the caller', () => {
  it('rejects with the abort reason', async () => {
    server = await startScriptedServer({ 'GET /__api__/v1/tasks/T1': hold });
    const client = new ConnectClient({ server: server.url, apiKey: API_KEY });
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const call = client.getTask('T1', { wait: 10, signal: controller.signal });
    await arrived;

    const reason = new Error('poll no longer needed');
    controller.abort(reason);
    await assert.rejects(call, (error: unknown) => error === reason);
  });

  it('rejects with the default AbortError', async () => {
    server = await startScriptedServer({ 'GET /__api__/v1/content/g1': hold });
    const client = new ConnectClient({ server: server.url, apiKey: API_KEY });
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const call = client.getContent('g1', controller.signal);
    await arrived;

    controller.abort();
    await assert.rejects(call, { name: 'AbortError' });
  });

  it('aborts while the body is read', async () => {
    server = await startScriptedServer({
      'GET /__api__/v1/content/g1': (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"guid":');
      },
    });
    let headersReceived!: () => void;
    const received = new Promise<void>((resolve) => { headersReceived = resolve; });
    const observingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      headersReceived();
      return response;
    };
    const client = new ConnectClient({
      server: server.url,
      apiKey: API_KEY,
      fetch: observingFetch,
    });
    const controller = new AbortController();
    const call = client.getContent('g1', controller.signal);
    await received;

    const reason = new Error('page closed');
    controller.abort(reason);
    await assert.rejects(call, (error: unknown) => error === reason);
  });

  it('already aborted sends nothing', async () => {
    let fetchCalls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      fetchCalls += 1;
      return fetch(input, init);
    };
    const client = new ConnectClient({
      server: 'http://127.0.0.1:9',
      apiKey: API_KEY,
      fetch: countingFetch,
    });
    const reason = new Error('too late');
    const call = client.getContent('g1', AbortSignal.abort(reason));
    await assert.rejects(call, (error) => error === reason);
    assert.equal(fetchCalls, 0);
  });

  it('stops a render before the render request', async () => {
    server = await startScriptedServer({
      'GET /__api__/v1/content/g1': hold,
      'POST /__api__/v1/content/g1/render': jsonRoute({ task_id: 'T1' }, 202),
    });
    const client = new ConnectClient({ server: server.url, apiKey: API_KEY });
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const call = client.render('g1', { signal: controller.signal });
    await arrived;

    const reason = new Error('user left');
    controller.abort(reason);
    await assert.rejects(call, (error: unknown) => error === reason);
    assert.deepEqual(server.requests.map((request) => request.method), ['GET']);
  });
});
