import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import {
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  unusedLocalUrl,
  type Harness,
  type HarnessOptions,
} from './harness.js';

describe('Connect failures', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(options: HarnessOptions = {}): Promise<Harness> {
    harness = await startHarness(options);
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  function failureLogs(h: Harness): Array<Record<string, unknown>> {
    return h.logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => String(entry.msg).startsWith('Connect call failed'));
  }

  it('maps a 403 for the key to connect_forbidden', async () => {
    const h = await start();
    const response = await h.refresh('forbidden');
    assert.equal(response.status, 403, response.text);
    assert.equal(response.body.error.code, 'connect_forbidden');
    assert.match(
      response.body.error.message,
      /^Connect refused the gateway's API key for report forbidden \(HTTP 403, code 22\)/,
    );
    assert.match(response.body.error.message, /give the key's user collaborator rights/);

    const [entry] = failureLogs(h);
    assert.equal(entry?.report, 'forbidden');
    assert.equal(entry?.connectStatus, 403);
    assert.equal(entry?.connectCode, 22);
  });

  it('maps a rejected key to connect_forbidden', async () => {
    const h = await start({ gatewayApiKey: 'not-a-key-the-stand-in-knows' });
    for (const response of [await h.refresh('sales'), await h.request('/v1/reports/sales')]) {
      assert.equal(response.status, 403, response.text);
      assert.equal(response.body.error.code, 'connect_forbidden');
      assert.match(response.body.error.message, /HTTP 401, code 24/);
      const message = response.body.error.message;
      assert.match(message, /key is invalid or expired\. Replace the key in CONNECT_API_KEY/);
      assert.doesNotMatch(response.body.error.message, /give the key's user/);
    }
    const entry = failureLogs(h).find((line) => line.connectStatus === 401);
    assert.equal(entry?.report, 'sales');
    assert.equal(entry?.connectCode, 24);
  });

  it('maps an unreachable Connect to 503', async () => {
    const h = await start({ connectServer: await unusedLocalUrl() });
    for (const response of [await h.refresh('sales'), await h.request('/v1/reports/sales')]) {
      assert.equal(response.status, 503, response.text);
      assert.equal(response.body.error.code, 'connect_unavailable');
      assert.match(response.body.error.message, /^Connect could not be reached .* report sales/);
    }
    const [entry] = failureLogs(h);
    assert.equal(entry?.report, 'sales');
    assert.equal(entry?.errorName, 'ConnectUnreachableError');
  });

  it('maps unknown content to connect_error', async () => {
    const h = await start();
    const response = await h.refresh('missing');
    assert.equal(response.status, 502, response.text);
    assert.equal(response.body.error.code, 'connect_error');
    const message = response.body.error.message;
    assert.match(message, /report missing \(HTTP 404, code 4\); check the GUID/);
  });

  it('names a server that is not Connect', async () => {
    const other = http.createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
    });
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const { port } = other.address() as AddressInfo;
      const h = await start({ connectServer: `http://127.0.0.1:${port}` });
      const response = await h.request('/v1/reports/sales');
      assert.equal(response.status, 502, response.text);
      assert.equal(response.body.error.code, 'connect_error');
      assert.match(response.body.error.message,
        /^The server in CONNECT_SERVER answered HTTP 404 without a Connect error code for report sales; check that CONNECT_SERVER points at Posit Connect/);
    } finally {
      other.close();
    }
  });

  it('maps shiny content to not_renderable', async () => {
    const h = await start();
    const response = await h.refresh('shiny');
    assert.equal(response.status, 502, response.text);
    assert.equal(response.body.error.code, 'not_renderable');
    assert.match(response.body.error.message, /content of type "shiny"/);
    assert.equal((await h.request('/v1/reports/shiny')).body.render, null);
  });
});
