import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SALES_GUID } from '../gateway/harness.js';
import { startCli } from './cli-process.js';
import { startHttpServer, type FakeServer } from './fake-servers.js';
import { CLI_SUITE_TIMEOUT_MS, assertNoSecret } from './render-fixtures.js';

const API_KEY = 'broken-server-test-key-5b9e27';

/** Responses of servers that are not Connect or a gateway, by the first path segment. */
const BROKEN_RESPONSES: Record<string, (response: ServerResponse) => void> = {
  'not-found': (response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found'),
  html: (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>'),
  redirect: (response) => response.writeHead(302, { location: '/login' }).end(),
};

describe('render command against a server that is not Connect', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let server: FakeServer;

  before(async () => {
    server = await startHttpServer((request, response) => {
      const kind = request.url!.split('/')[1]!;
      BROKEN_RESPONSES[kind]!(response);
    });
  });

  after(async () => {
    await server.close();
  });

  for (const kind of Object.keys(BROKEN_RESPONSES)) {
    it(`exits 2 directly on ${kind}`, async () => {
      const run = startCli(['render', SALES_GUID], { CONNECT_SERVER: `${server.url}/${kind}`, CONNECT_API_KEY: API_KEY });
      assert.equal(await run.exited, 2, run.output());
      assert.match(run.output(), /CONNECT_SERVER does not look like a Connect server: /);
      assertNoSecret(run, [API_KEY]);
    });

    it(`exits 2 through --gateway on ${kind}`, async () => {
      const run = startCli(['render', 'sales', '--gateway', `${server.url}/${kind}`]);
      assert.equal(await run.exited, 2, run.output());
      assert.match(run.output(), /--gateway does not look like a connect-refresh gateway: /);
    });

    it(`status exits 2 on ${kind}`, async () => {
      const run = startCli(['status', SALES_GUID], { CONNECT_SERVER: `${server.url}/${kind}`, CONNECT_API_KEY: API_KEY });
      assert.equal(await run.exited, 2, run.output());
      assert.match(run.output(), /CONNECT_SERVER does not look like a Connect server: /);
    });
  }
});
