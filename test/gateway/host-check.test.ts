import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/index.js';
import { isLoopbackHost } from '../../src/gateway/host-check.js';
import {
  GATEWAY_CONFIG,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';
import { sendRaw, type RawResponse } from './raw-http.js';

/** A site whose DNS name a rebinding attack points at 127.0.0.1. */
const REBOUND = 'attacker.example';

function port(url: string): string {
  return new URL(url).port;
}

/** Sends a request with the given Host and Origin headers over a raw connection. */
async function send(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  host: string,
  origin: string,
): Promise<RawResponse> {
  const body = method === 'POST' ? '{}' : '';
  const request =
    `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  const [response] = await sendRaw(url, request);
  assert.ok(response !== undefined, 'no response');
  return response;
}

describe('isLoopbackHost', () => {
  it('accepts loopback names and addresses', () => {
    const hosts = [
      'localhost', 'LOCALHOST:8787', 'app.localhost:5173', '127.0.0.1', '127.0.0.1:8787',
      '127.8.9.10:1', '[::1]', '[::1]:8787',
    ];
    for (const host of hosts) {
      assert.equal(isLoopbackHost(host), true, host);
    }
  });

  it('rejects other hosts', () => {
    const hosts = [
      'attacker.example', 'attacker.example:8787', 'localhost.attacker.example',
      '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '[::ffff:10.0.0.1]', '', 'localhost/x',
      'user@localhost', '127.0.0.1 evil',
    ];
    for (const host of hosts) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });
});

describe('Host check', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  it('rejects a rebound DNS name', async () => {
    const host = `${REBOUND}:${port(harness.gatewayUrl)}`;
    const origin = `http://${host}`;
    const path = '/v1/reports/sales/refresh';
    const refresh = await send(harness.gatewayUrl, 'POST', path, host, origin);
    assert.equal(refresh.status, 403, refresh.body);
    assert.equal(JSON.parse(refresh.body).error.code, 'host_not_allowed');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 0);

    const status = await send(harness.gatewayUrl, 'GET', '/v1/reports/sales', host, origin);
    assert.equal(status.status, 403, status.body);
    assert.equal(JSON.parse(status.body).error.code, 'host_not_allowed');

    const health = await send(harness.gatewayUrl, 'GET', '/healthz', host, origin);
    assert.equal(health.status, 403, health.body);
  });

  it('rejects two Host headers', async () => {
    const local = `127.0.0.1:${port(harness.gatewayUrl)}`;
    const request =
      `GET /v1/reports/quiet HTTP/1.1\r\nHost: ${local}\r\nHost: ${REBOUND}\r\n` +
      'Connection: close\r\n\r\n';
    const [response] = await sendRaw(harness.gatewayUrl, request);
    assert.ok(response !== undefined, 'no response');
    assert.equal(response.status, 400, response.body);
    assert.equal(JSON.parse(response.body).error.code, 'invalid_request');
  });

  it('checks an absolute-form target', async () => {
    const local = `127.0.0.1:${port(harness.gatewayUrl)}`;
    const target = `http://${REBOUND}/v1/reports/quiet`;
    const rebound = await send(harness.gatewayUrl, 'GET', target, local, 'null');
    assert.equal(rebound.status, 403, rebound.body);
    assert.equal(JSON.parse(rebound.body).error.code, 'host_not_allowed');

    const loopback = `http://${local}/v1/reports/quiet`;
    const served = await send(harness.gatewayUrl, 'GET', loopback, REBOUND, 'null');
    assert.notEqual(served.status, 403, served.body);
  });

  it('serves loopback names', async () => {
    for (const name of ['localhost', 'demo.localhost', '127.0.0.1', '[::1]']) {
      const host = `${name}:${port(harness.gatewayUrl)}`;
      const response = await send(harness.gatewayUrl, 'GET', '/v1/reports/quiet', host, 'null');
      assert.equal(response.status, 200, `${name}: ${response.body}`);
    }
  });
});

describe('Host check with auth.anonymous set', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({
      config: parseGatewayConfig({
        auth: { anonymous: true },
        rate_limit: GATEWAY_CONFIG.rate_limit,
        reports: { sales: { guid: SALES_GUID, log: 'full' } },
      }),
    });
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  it('still rejects two Host headers', async () => {
    const local = `127.0.0.1:${port(harness.gatewayUrl)}`;
    const request =
      `GET /v1/reports/sales HTTP/1.1\r\nHost: ${local}\r\nhost: ${local}\r\n` +
      'Connection: close\r\n\r\n';
    const [response] = await sendRaw(harness.gatewayUrl, request);
    assert.ok(response !== undefined, 'no response');
    assert.equal(response.status, 400, response.body);
    assert.equal(JSON.parse(response.body).error.code, 'invalid_request');
  });

  it('serves any Host and its own origin', async () => {
    const host = `reports.example.com:${port(harness.gatewayUrl)}`;
    const origin = `http://${host}`;
    const path = '/v1/reports/sales/refresh';
    const response = await send(harness.gatewayUrl, 'POST', path, host, origin);
    assert.equal(response.status, 202, response.body);

    const handle = JSON.parse(response.body).handle as string;
    await harness.finishRender('sales', [], 0);
    await harness.awaitOutcome(handle);
  });
});
