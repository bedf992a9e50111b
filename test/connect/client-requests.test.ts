import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ConnectClient } from '../../src/connect/index.js';
import { readFixture } from './fixtures.js';
import {
  jsonRoute,
  sendJson,
  startScriptedServer,
  type RouteHandler,
  type ScriptedServer,
} from './scripted-server.js';

const API_KEY = 'k3yAbCdEf0123456789';
const GUID = 'f2f37341-e21d-3d80-c698-a935ad614066';
const QUARTO_CONTENT = readFixture('v1-content-get-quarto-static.json');
const TASK = { id: 'T1', output: [], result: null, finished: false, code: 0, error: '', last: 0 };

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(routes: Record<string, RouteHandler>): Promise<ConnectClient> {
  server = await startScriptedServer(routes);
  return new ConnectClient({ server: server.url, apiKey: API_KEY });
}

describe('ConnectClient requests', () => {
  it('sends the key and Accept on GET', async () => {
    const client = await clientFor({
      [`GET /__api__/v1/content/${GUID}`]: jsonRoute(QUARTO_CONTENT),
    });
    await client.getContent(GUID);
    const [request] = server!.requests;
    assert.equal(request!.headers.authorization, `Key ${API_KEY}`);
    assert.equal(request!.headers.accept, 'application/json');
    assert.equal(request!.headers['content-type'], undefined);
  });

  it('sends JSON headers with a POST body', async () => {
    const client = await clientFor({
      [`GET /__api__/v1/content/${GUID}`]: jsonRoute(QUARTO_CONTENT),
      [`POST /__api__/v1/content/${GUID}/render`]: jsonRoute({ task_id: 'T1' }, 202),
    });
    await client.render(GUID);
    const post = server!.requests[1]!;
    assert.equal(post.method, 'POST');
    assert.equal(post.headers.authorization, `Key ${API_KEY}`);
    assert.equal(post.headers.accept, 'application/json');
    assert.equal(post.headers['content-type'], 'application/json');
  });

  it('server URL with a trailing slash and a path', async () => {
    server = await startScriptedServer({
      'GET /connect/__api__/v1/content/g1': jsonRoute({ guid: 'g1', name: 'n', app_mode: 'x' }),
    });
    const client = new ConnectClient({ server: `${server.url}/connect/`, apiKey: API_KEY });
    const content = await client.getContent('g1');
    assert.equal(content.guid, 'g1');
  });

  it('getContent decodes the content', async () => {
    const client = await clientFor({
      [`GET /__api__/v1/content/${GUID}`]: jsonRoute(QUARTO_CONTENT),
    });
    const content = await client.getContent(GUID);
    assert.equal(content.app_mode, 'quarto-static');
    assert.equal(content.name, 'Performance-Data-1671216053560');
  });

  it('getContent encodes the guid', async () => {
    const client = await clientFor({});
    await assert.rejects(client.getContent('a/b?c'));
    assert.equal(server!.requests[0]!.url, '/__api__/v1/content/a%2Fb%3Fc');
  });

  it('rejects an empty guid', async () => {
    const client = await clientFor({});
    await assert.rejects(client.getContent(''), {
      name: 'TypeError',
      message: 'Invalid id "": expected a non-empty string.',
    });
    await assert.rejects(client.getTask(''), { name: 'TypeError' });
    assert.equal(server!.requests.length, 0);
  });

  it('listVariants reads the legacy route', async () => {
    const client = await clientFor({
      [`GET /__api__/applications/${GUID}/variants`]: jsonRoute(
        readFixture('legacy-applications-variants-single-default.json'),
      ),
    });
    const variants = await client.listVariants(GUID);
    assert.equal(variants.length, 1);
    assert.equal(variants[0]!.id, '6627');
  });

  it('listJobs reads the v1 jobs route', async () => {
    const client = await clientFor({
      [`GET /__api__/v1/content/${GUID}/jobs`]: jsonRoute(
        readFixture('v1-content-jobs-build-report-doc-example.json'),
      ),
    });
    const jobs = await client.listJobs(GUID);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.tag, 'build_report');
  });

  it('listRenderings reads the legacy route', async () => {
    const rendering = {
      id: 55123, app_id: 9001, variant_id: 6666, bundle_id: 7710, job_key: 'Hn2kQ8sPz0aVbC1d',
      render_time: '2025-03-04T06:00:12.5Z', render_duration: 41250000000, active: true,
    };
    const client = await clientFor({
      'GET /__api__/variants/6666/renderings': jsonRoute([rendering]),
    });
    const renderings = await client.listRenderings('6666');
    assert.equal(renderings.length, 1);
    assert.equal(renderings[0]!.job_key, 'Hn2kQ8sPz0aVbC1d');
    assert.equal(server!.requests[0]!.headers.authorization, `Key ${API_KEY}`);
  });
});

describe('ConnectClient.getTask', () => {
  it('sends first and wait', async () => {
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(TASK) });
    await client.getTask('T1', { first: 3, wait: 5 });
    const [request] = server!.requests;
    assert.equal(request!.query.get('first'), '3');
    assert.equal(request!.query.get('wait'), '5');
  });

  it('sends first 0 and wait 0', async () => {
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(TASK) });
    await client.getTask('T1', { first: 0, wait: 0 });
    assert.equal(server!.requests[0]!.url, '/__api__/v1/tasks/T1?first=0&wait=0');
  });

  it('omits first and wait when undefined', async () => {
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(TASK) });
    await client.getTask('T1');
    assert.equal(server!.requests[0]!.url, '/__api__/v1/tasks/T1');
  });

  it('rejects a fractional first without a request', async () => {
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(TASK) });
    await assert.rejects(client.getTask('T1', { first: 1.5 }), {
      name: 'RangeError',
      message: 'Invalid first 1.5: expected a non-negative integer.',
    });
    await assert.rejects(client.getTask('T1', { wait: -1 }), { name: 'RangeError' });
    assert.equal(server!.requests.length, 0);
  });

  it('strips timestamps from output lines', async () => {
    const task = {
      ...TASK,
      output: [
        '2024/04/24 13:08:04.901698921 [rsc-session] Content GUID: abc',
        '2024/04/24 13:08:05.123 Rendering report.qmd',
        'Output created: report.html',
      ],
      last: 3,
    };
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(task) });
    const decoded = await client.getTask('T1');
    assert.deepEqual(decoded.output, [
      '[rsc-session] Content GUID: abc',
      'Rendering report.qmd',
      'Output created: report.html',
    ]);
    assert.equal(decoded.last, 3);
  });

  it('sends the cookie when given', async () => {
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(TASK) });
    await client.getTask('T1', { cookie: 'RSC-NODE=b; lb=2' });
    assert.equal(server!.requests[0]!.headers.cookie, 'RSC-NODE=b; lb=2');
  });

  it('sends no cookie when null', async () => {
    const client = await clientFor({ 'GET /__api__/v1/tasks/T1': jsonRoute(TASK) });
    await client.getTask('T1', { cookie: null });
    assert.equal(server!.requests[0]!.headers.cookie, undefined);
  });

  it('resends cookies of the render response', async () => {
    const client = await clientFor({
      [`GET /__api__/v1/content/${GUID}`]: jsonRoute(QUARTO_CONTENT),
      [`POST /__api__/v1/content/${GUID}/render`]: (_request, response) =>
        sendJson(response, 202, { task_id: 'T1' }, {
          'Set-Cookie': ['RSC-NODE=node-b; Path=/; HttpOnly', 'lb=7; Secure'],
        }),
      'GET /__api__/v1/tasks/T1': jsonRoute(TASK),
    });
    const started = await client.render(GUID);
    assert.equal(started.cookie, 'RSC-NODE=node-b; lb=7');
    await client.getTask(started.taskId, { cookie: started.cookie });
    assert.equal(server!.requests[2]!.headers.cookie, 'RSC-NODE=node-b; lb=7');
  });
});

describe('ConnectClient options', () => {
  const invalidServers = ['not a url', 'ftp://connect.example', 'https://user:pw@connect.example',
    'https://connect.example/?x=1'];
  for (const serverUrl of invalidServers) {
    it(`rejects server ${serverUrl}`, () => {
      assert.throws(() => new ConnectClient({ server: serverUrl, apiKey: API_KEY }), {
        name: 'TypeError',
        message: /^Invalid Connect server URL/,
      });
    });
  }

  it('rejects a key with a line break', () => {
    assert.throws(() => new ConnectClient({ server: 'http://127.0.0.1:1', apiKey: 'ab\ncd' }), {
      name: 'TypeError',
      message: /^Invalid Connect API key/,
    });
  });

  it('rejects an empty key', () => {
    assert.throws(() => new ConnectClient({ server: 'http://127.0.0.1:1', apiKey: '' }), {
      name: 'TypeError',
    });
  });

  it('rejects a zero timeout', () => {
    assert.throws(
      () => new ConnectClient({
        server: 'http://127.0.0.1:1',
        apiKey: API_KEY,
        requestTimeoutMs: 0,
      }),
      { name: 'TypeError', message: /requestTimeoutMs/ },
    );
  });

  it('uses the given fetch', async () => {
    const urls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ guid: 'g', name: 'n', app_mode: 'shiny' }));
    };
    const client = new ConnectClient({
      server: 'http://connect.test',
      apiKey: API_KEY,
      fetch: fakeFetch,
    });
    const content = await client.getContent('g');
    assert.equal(content.app_mode, 'shiny');
    assert.deepEqual(urls, ['http://connect.test/__api__/v1/content/g']);
  });
});
