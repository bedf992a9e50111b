import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SALES_GUID } from '../gateway/harness.js';
import { startCli } from './cli-process.js';
import { startHttpServer, type FakeServer } from './fake-servers.js';
import { CLI_SUITE_TIMEOUT_MS, printedJson } from './render-fixtures.js';

const RUNNING_JOB = {
  id: '7', key: 'job-running-1', tag: 'build_report', status: 0,
  start_time: '2026-12-04T15:00:00Z', end_time: null, exit_code: null,
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Sends the broken poll response that the first path segment names. */
function sendBroken(kind: string, response: ServerResponse): void {
  if (kind === 'html') {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  }
}

/**
 * Acts as Connect and as a gateway that start a render normally and then break. Task and
 * progress polls get the response that the first path segment names. In the `vanish` mode
 * the job list shows a running render job once and then an empty list.
 */
function createHandler() {
  const jobListReads = new Map<string, number>();
  return (request: IncomingMessage, response: ServerResponse) => {
    const [, kind, ...rest] = request.url!.split('?')[0]!.split('/');
    const path = `/${rest.join('/')}`;
    if (path === `/__api__/v1/content/${SALES_GUID}`) {
      sendJson(response, 200, { guid: SALES_GUID, name: 'sales', app_mode: 'rmd-static' });
    } else if (path === `/__api__/v1/content/${SALES_GUID}/jobs`) {
      const reads = (jobListReads.get(kind!) ?? 0) + 1;
      jobListReads.set(kind!, reads);
      sendJson(response, 200, kind === 'vanish' && reads === 1 ? [RUNNING_JOB] : []);
    } else if (path === `/__api__/v1/content/${SALES_GUID}/render`) {
      sendJson(response, 200, { task_id: 'task-1' });
    } else if (path === '/v1/reports/sales/refresh') {
      sendJson(response, 202, { handle: 'handle-1', started_at: new Date().toISOString(), joined: false });
    } else {
      sendBroken(kind!, response);
    }
  };
}

describe('render command when polls break', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let server: FakeServer;

  before(async () => {
    server = await startHttpServer(createHandler());
  });

  after(async () => {
    await server.close();
  });

  for (const kind of ['html', 'not-found']) {
    it(`exits 3 directly on ${kind}`, async () => {
      const run = startCli(['render', SALES_GUID, '--json'],
        { CONNECT_SERVER: `${server.url}/${kind}`, CONNECT_API_KEY: 'broken-poll-key' });
      assert.equal(await run.exited, 3, run.output());
      assert.match(run.output(), /Started a render of sales \(task task-1\)/);
      assert.match(run.output(), /The render may still be running on Connect\./);
      assert.equal(printedJson(run).state, 'running');
    });

    it(`exits 3 through --gateway on ${kind}`, async () => {
      const run = startCli(['render', 'sales', '--gateway', `${server.url}/${kind}`, '--json']);
      assert.equal(await run.exited, 3, run.output());
      assert.match(run.output(), /Started a render of sales \(task handle-1\)/);
      assert.match(run.output(), /The render may still be running on Connect\./);
      assert.equal(printedJson(run).state, 'running');
    });
  }

  it('exits 3 when the joined job vanishes', async () => {
    const run = startCli(['render', SALES_GUID, '--json'],
      { CONNECT_SERVER: `${server.url}/vanish`, CONNECT_API_KEY: 'broken-poll-key' });
    assert.equal(await run.exited, 3, run.output());
    assert.match(run.output(), /no longer lists the render job job-running-1/);
    assert.match(run.output(), /The render may still be running on Connect\./);
    const result = printedJson(run);
    assert.equal(result.state, 'running');
    assert.equal(result.job, 'job-running-1');
  });
});
