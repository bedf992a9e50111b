import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import type { RenderProgress } from '../../src/protocol/index.js';
import { startCli } from './cli-process.js';
import { startHttpServer, type FakeServer } from './fake-servers.js';
import { CLI_SUITE_TIMEOUT_MS, printedJson } from './render-fixtures.js';

const STARTED_AT = '2026-12-04T06:00:00.000Z';
const STUCK_WARNING = /has run past the report's time limit and may be stuck/g;

function progress(overrides: Partial<RenderProgress>): RenderProgress {
  return {
    handle: 'handle-1',
    state: 'running',
    output: [],
    next: 0,
    started_at: STARTED_AT,
    finished_at: null,
    error: null,
    last_rendered_at: null,
    server_time: new Date().toISOString(),
    stuck: false,
    ...overrides,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Starts a gateway stand-in that accepts a refresh of `sales` and responds to the render's polls
 * with `polls` in order, repeating the last one.
 */
function startScriptedGateway(polls: object[]): Promise<FakeServer> {
  let pollCount = 0;
  return startHttpServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url!.split('?')[0];
    if (request.method === 'POST' && path === '/v1/reports/sales/refresh') {
      sendJson(response, 202, { handle: 'handle-1', state: 'running', started_at: STARTED_AT, joined: false });
    } else if (request.method === 'GET' && path === '/v1/renders/handle-1') {
      const body = polls[Math.min(pollCount, polls.length - 1)];
      pollCount += 1;
      sendJson(response, 200, body);
    } else {
      sendJson(response, 404, { error: { code: 'not_found', message: `No route ${path}.` } });
    }
  });
}

describe('render command on lost and stuck renders', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let gateway: FakeServer | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('exits 3 when the gateway lost the render', async () => {
    gateway = await startScriptedGateway([
      progress({ output: ['processing file: report.Rmd'], next: 1 }),
      progress({
        state: 'unknown',
        next: 1,
        error: 'Connect no longer knows the render task.',
        finished_at: '2026-12-04T06:01:00.000Z',
      }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url, '--json']);

    assert.equal(await run.exited, 3, run.output());
    const result = printedJson(run);
    assert.equal(result.state, 'unknown');
    assert.equal(result.task, 'handle-1');
    assert.equal(result.finished_at, null);
    assert.equal(result.duration, null);
    assert.equal(result.error, 'Connect no longer knows the render task.');
    assert.match(run.output(), /The gateway lost the render of sales \(task handle-1\), so its outcome is unknown/);
    assert.match(run.output(), /it may or may not have finished/);
    assert.match(run.output(), /^processing file: report\.Rmd$/m);
  });

  it('warns once about a stuck render', async () => {
    gateway = await startScriptedGateway([
      progress({ stuck: true, output: ['chunk 1'], next: 1 }),
      progress({ stuck: true, output: ['chunk 2'], next: 2 }),
      progress({
        state: 'succeeded',
        next: 2,
        finished_at: '2026-12-04T06:09:00.000Z',
        last_rendered_at: '2026-12-04T06:09:00.000Z',
      }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url, '--json']);

    assert.equal(await run.exited, 0, run.output());
    assert.equal(printedJson(run).state, 'succeeded');
    const warnings = run.output().match(STUCK_WARNING) ?? [];
    assert.equal(warnings.length, 1, run.output());
    assert.match(run.output(), /^connect-refresh: Warning: the render of sales \(task handle-1\) has run past/m);
    assert.match(run.output(), /^chunk 2$/m);
  });

  it('prints no warning without the stuck field', async () => {
    const { stuck: _stuck, ...withoutStuck } = progress({ output: ['chunk 1'], next: 1 });
    gateway = await startScriptedGateway([
      withoutStuck,
      progress({ state: 'succeeded', next: 1, finished_at: '2026-12-04T06:02:00.000Z' }),
    ]);
    const run = startCli(['render', 'sales', '--gateway', gateway.url]);

    assert.equal(await run.exited, 0, run.output());
    assert.doesNotMatch(run.output(), STUCK_WARNING);
  });
});
