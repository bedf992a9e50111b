/** A scripted gateway for render command tests: it accepts a refresh of `sales` and plays back polls. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RenderProgress } from '../../src/protocol/index.js';
import { startHttpServer, type FakeServer } from './fake-servers.js';

const STARTED_AT = '2026-12-04T06:00:00.000Z';

/** Returns a progress response of the running render handle-1, with `overrides` applied. */
export function progress(overrides: Partial<RenderProgress>): RenderProgress {
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
export function startScriptedGateway(polls: object[]): Promise<FakeServer> {
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
