import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import {
  ConnectApiError,
  ConnectClient,
  isInactiveJob,
  isTaskNotFound,
} from '../../src/connect/index.js';
import { readFixture } from './fixtures.js';
import { jsonRoute, startScriptedServer, type RouteHandler, type ScriptedServer } from './scripted-server.js';

const API_KEY = 'k3yAbCdEf0123456789';
const GUID = '8f37d6e0-0000-4000-8000-0000000000aa';
const JOB_KEY = 'k3sHkEoWJNwQim7g';
const KILL_PATH = `/__api__/v1/content/${GUID}/jobs/${JOB_KEY}`;
/** Connect's response to a kill order for a job that has ended. */
const INACTIVE_JOB = {
  code: 163,
  error: 'The specified job cannot be terminated because it is not active',
  payload: null,
};

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(routes: Record<string, RouteHandler>): Promise<ConnectClient> {
  server = await startScriptedServer(routes);
  return new ConnectClient({ server: server.url, apiKey: API_KEY });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('ConnectClient.killJob', () => {
  it('sends DELETE without a body', async () => {
    const client = await clientFor({
      [`DELETE ${KILL_PATH}`]: jsonRoute(readFixture('v1-content-job-kill-order.json')),
    });
    await client.killJob(GUID, JOB_KEY);
    const [request] = server!.requests;
    assert.equal(request!.method, 'DELETE');
    assert.equal(request!.url, KILL_PATH);
    assert.equal(request!.headers.authorization, `Key ${API_KEY}`);
    assert.equal(request!.headers['content-type'], undefined);
    assert.equal(request!.body, '');
  });

  it('decodes the recorded kill order', async () => {
    const client = await clientFor({
      [`DELETE ${KILL_PATH}`]: jsonRoute(readFixture('v1-content-job-kill-order.json')),
    });
    const order = await client.killJob(GUID, JOB_KEY);
    assert.deepEqual(order, { job_key: JOB_KEY, result: 'Order to kill job registered' });
  });

  it('encodes the job key', async () => {
    const client = await clientFor({});
    await assert.rejects(client.killJob(GUID, 'a/b?c'));
    assert.equal(server!.requests[0]!.url, `/__api__/v1/content/${GUID}/jobs/a%2Fb%3Fc`);
  });

  it('rejects an empty job key without a request', async () => {
    const client = await clientFor({});
    await assert.rejects(client.killJob(GUID, ''), { name: 'TypeError' });
    assert.equal(server!.requests.length, 0);
  });

  it('409 with code 163 is an inactive job', async () => {
    const client = await clientFor({ [`DELETE ${KILL_PATH}`]: jsonRoute(INACTIVE_JOB, 409) });
    const error = await rejectionOf(client.killJob(GUID, JOB_KEY));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.status, 409);
    assert.equal(error.code, 163);
    assert.equal(error.method, 'DELETE');
    assert.equal(isInactiveJob(error), true);
    assert.equal(isTaskNotFound(error), false);
  });

  it('404 with code 4 is not an inactive job', async () => {
    const client = await clientFor({
      [`DELETE ${KILL_PATH}`]: jsonRoute(readFixture('error-404-code4-object-does-not-exist.json'), 404),
    });
    const error = await rejectionOf(client.killJob(GUID, JOB_KEY));
    assert.ok(error instanceof ConnectApiError);
    assert.equal(error.status, 404);
    assert.equal(isInactiveJob(error), false);
  });
});

describe('isInactiveJob', () => {
  const details = { connectMessage: null, payload: null, method: 'DELETE', path: KILL_PATH };

  it('needs both status 409 and code 163', () => {
    assert.equal(isInactiveJob(new ConnectApiError('x', { ...details, status: 409, code: 163 })), true);
    assert.equal(isInactiveJob(new ConnectApiError('x', { ...details, status: 409, code: null })), false);
    assert.equal(isInactiveJob(new ConnectApiError('x', { ...details, status: 400, code: 163 })), false);
  });

  it('other values are not', () => {
    assert.equal(isInactiveJob(new Error('409 163')), false);
    assert.equal(isInactiveJob(undefined), false);
    assert.equal(isInactiveJob({ status: 409, code: 163 }), false);
  });
});
