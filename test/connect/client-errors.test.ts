import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { inspect } from 'node:util';

import {
  ConnectApiError,
  ConnectClient,
  ConnectResponseError,
  ConnectUnreachableError,
  isTaskNotFound,
} from '../../src/connect/index.js';
import { readFixture } from './fixtures.js';
import {
  closedPort,
  jsonRoute,
  sendText,
  startScriptedServer,
  type RouteHandler,
  type ScriptedServer,
} from './scripted-server.js';

const API_KEY = 'k3yAbCdEf0123456789';
const FORBIDDEN = readFixture('error-403-code22-permission-denied.json');
const NOT_FOUND = readFixture('error-404-code4-object-does-not-exist.json');

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(routes: Record<string, RouteHandler>): Promise<ConnectClient> {
  server = await startScriptedServer(routes);
  return new ConnectClient({ server: server.url, apiKey: API_KEY });
}

/** Resolves with what `promise` rejects with; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('HTTP error responses', () => {
  it('403 with code 22', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': jsonRoute(FORBIDDEN, 403),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.status, 403);
    assert.equal(error.code, 22);
    assert.equal(error.connectMessage, "You don't have permission to perform this operation.");
    assert.equal(error.payload, null);
    assert.equal(error.method, 'GET');
    assert.equal(error.path, '/__api__/v1/content/g1');
    assert.match(error.message, /HTTP 403, code 22: You don't have permission/);
    assert.doesNotMatch(error.message, /\.\./, 'one period after Connect\'s message');
    assert.equal(isTaskNotFound(error), false);
  });

  it('404 with code 141 is task not found', async () => {
    const client = await clientFor({
      'GET /__api__/v1/tasks/T1': jsonRoute({ code: 141, error: 'Task lookup failed' }, 404),
    });
    const error = await rejectionOf(client.getTask('T1'));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.code, 141);
    assert.equal(isTaskNotFound(error), true);
  });

  it('404 with code 4 is task not found', async () => {
    const client = await clientFor({
      'GET /__api__/v1/tasks/T1': jsonRoute(NOT_FOUND, 404),
    });
    const error = await rejectionOf(client.getTask('T1'));
    assert.equal(isTaskNotFound(error), true);
  });

  it('plain-text 404 is not task not found', async () => {
    const client = await clientFor({});
    const error = await rejectionOf(client.getTask('T1'));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.status, 404);
    assert.equal(error.code, null);
    assert.equal(error.connectMessage, null);
    assert.match(error.message, /"404 page not found"/);
    assert.equal(isTaskNotFound(error), false);
  });

  it('isTaskNotFound on other values', () => {
    const other = new ConnectApiError('x', {
      status: 404, code: 2, connectMessage: 'x', payload: null, method: 'GET', path: '/',
    });
    assert.equal(isTaskNotFound(other), false);
    assert.equal(isTaskNotFound(new Error('404')), false);
    assert.equal(isTaskNotFound({ status: 404, code: 141 }), false);
    assert.equal(isTaskNotFound(undefined), false);
  });

  it('500 with a text body', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': (_request, response) =>
        sendText(response, 500, 'upstream exploded\n  badly'),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.status, 500);
    assert.equal(error.code, null);
    assert.match(error.message, /HTTP 500, "upstream exploded badly"\. Retry later/);
  });

  it('redirect is not followed', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': (_request, response) => {
        response.writeHead(302, { Location: '/login' });
        response.end();
      },
      'GET /login': jsonRoute({ guid: 'g1', name: 'n', app_mode: 'rmd-static' }),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.status, 302);
    assert.match(error.message, /redirected to \/login/);
    assert.equal(server!.requests.length, 1);
  });
});

describe('undecodable 2xx responses', () => {
  it('body that is not JSON', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': (_request, response) => sendText(response, 200, '<html>'),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assert.ok(error instanceof ConnectResponseError);
    assert.equal(error.field, null);
    assert.equal(error.path, '/__api__/v1/content/g1');
    assert.match(error.message, /body is not JSON: "<html>"/);
  });

  it('field in the wrong form', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1/jobs': jsonRoute([{ id: '1', key: 'k', tag: 'x', status: 9 }]),
    });
    const error = await rejectionOf(client.listJobs('g1'));
    assert.ok(error instanceof ConnectResponseError);
    assert.equal(error.field, '[0].status');
    assert.equal(error.method, 'GET');
    assert.match(error.message, /field "\[0\]\.status" must be a job status from 0 to 3/);
  });
});

describe('unreachable server', () => {
  it('refused connection', async () => {
    const port = await closedPort();
    const client = new ConnectClient({ server: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    const error = await rejectionOf(client.getContent('g1'));
    assert.ok(error instanceof ConnectUnreachableError);
    assert.equal(error.timedOut, false);
    assert.ok(error.cause instanceof Error, 'the network error is kept as cause');
    assert.match(error.message, new RegExp(`Cannot reach Connect at http://127.0.0.1:${port}`));
    assert.match(error.message, /ECONNREFUSED/);
  });
});

describe('the API key in errors', () => {
  function assertNoKey(error: unknown): void {
    assert.ok(error instanceof Error, `expected an Error: ${String(error)}`);
    assert.ok(!error.message.includes(API_KEY), `key in message: ${error.message}`);
    assert.ok(!String(error.stack).includes(API_KEY), 'key in stack');
    for (const [name, value] of Object.entries(error)) {
      assert.ok(!JSON.stringify(value ?? null).includes(API_KEY), `key in field ${name}`);
    }
    // inspect() prints what a logger would: stack, fields and the chain of causes.
    const printed = inspect(error, { depth: 10 });
    assert.ok(!printed.includes(API_KEY), `key in printed error: ${printed}`);
  }

  it('echoed in an error envelope', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': jsonRoute(
        { code: 24, error: `Invalid key ${API_KEY}`, payload: { key: API_KEY, [API_KEY]: 1 } },
        401,
      ),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assertNoKey(error);
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.connectMessage, 'Invalid key [redacted]');
    assert.deepEqual(error.payload, { key: '[redacted]', '[redacted]': 1 });
  });

  it('echoed in a text body', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': (request, response) =>
        sendText(response, 500, `bad header ${request.headers.authorization}`),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assertNoKey(error);
    assert.match((error as Error).message, /bad header Key \[redacted\]/);
  });

  it('echoed where the body snippet is cut', async () => {
    const body = `${'x'.repeat(195)}${API_KEY}`;
    const client = await clientFor({
      'GET /__api__/v1/content/g1': (_request, response) => sendText(response, 502, body),
    });
    const error = await rejectionOf(client.getContent('g1'));
    assertNoKey(error);
    assert.ok(!(error as Error).message.includes(API_KEY.slice(0, 5)), 'part of the key shown');
  });

  it('echoed in a 2xx body that is not JSON', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': (_request, response) =>
        sendText(response, 200, `key=${API_KEY}`),
    });
    assertNoKey(await rejectionOf(client.getContent('g1')));
  });

  it('echoed as the app mode', async () => {
    const client = await clientFor({
      'GET /__api__/v1/content/g1': jsonRoute({ guid: 'g1', name: 'n', app_mode: API_KEY }),
    });
    const error = await rejectionOf(client.render('g1'));
    assert.equal((error as Error).name, 'NotRenderableError');
    assert.ok(!(error as Error).message.includes(API_KEY));
  });

  it('inside the requested path', async () => {
    const client = await clientFor({});
    const error = await rejectionOf(client.getTask(`x${API_KEY}`));
    assertNoKey(error);
    assert.equal((error as ConnectApiError).path, '/__api__/v1/tasks/x[redacted]');
  });

  it('inside the path of an unreachable request', async () => {
    const port = await closedPort();
    const client = new ConnectClient({ server: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    assertNoKey(await rejectionOf(client.getContent(API_KEY)));
  });

  it('inside the server URL', () => {
    for (const serverUrl of [`http://127.0.0.1/?key=${API_KEY}`, `http://${API_KEY}@127.0.0.1/`,
      `${API_KEY}`]) {
      const error = (() => {
        try {
          new ConnectClient({ server: serverUrl, apiKey: API_KEY });
        } catch (caught) {
          return caught;
        }
        return assert.fail(`accepted ${serverUrl}`);
      })();
      assertNoKey(error);
    }
  });
});
