import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildGateway, parseGatewayConfig } from '../../src/gateway/index.js';
import { SALES_GUID, SERVER_TEST_TIMEOUT_MS, unusedLocalUrl } from './harness.js';
import { sendRaw, type RawResponse } from './raw-http.js';

/** A gateway behind a proxy on 127.0.0.1 that signs users in and names their groups. */
const PROXY_CONFIG = parseGatewayConfig({
  auth: {
    anonymous: false,
    proxy: {
      user_header: 'X-User',
      groups_header: 'X-Groups',
      trusted_proxies: ['127.0.0.1'],
    },
  },
  reports: { sales: { guid: SALES_GUID, read: { groups: ['staff'] } } },
});

describe('proxy identity headers', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    // Requests that pass the checks get 503 from the status read, because nothing listens there.
    const connect = { server: await unusedLocalUrl(), apiKey: 'proxy-test-key' };
    app = await buildGateway({ config: PROXY_CONFIG, connect });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await app.close();
  });

  /** Sends a status read of sales with these header lines, each on a line of its own. */
  async function readStatus(headerLines: string[]): Promise<RawResponse> {
    const head = ['GET /v1/reports/sales HTTP/1.1', 'Host: localhost', ...headerLines];
    const [response] = await sendRaw(url, `${head.join('\r\n')}\r\nConnection: close\r\n\r\n`);
    assert.ok(response !== undefined, 'no response');
    return response;
  }

  it('admits one groups header with a list', async () => {
    const response = await readStatus(['X-User: dana', 'X-Groups: analysts, staff']);
    assert.equal(response.status, 503, response.body);
    assert.equal(JSON.parse(response.body).error.code, 'connect_unavailable');
  });

  it('rejects a repeated groups header', async () => {
    const response = await readStatus(['X-User: dana', 'X-Groups: staff', 'X-Groups: analysts']);
    assert.equal(response.status, 401, response.body);
    const body = JSON.parse(response.body);
    assert.equal(body.error.code, 'unauthenticated');
    assert.match(body.error.message, /X-Groups header more than once/i);
  });

  it('rejects a repeated groups header in any case', async () => {
    const response = await readStatus(['X-User: dana', 'x-groups: staff', 'X-GROUPS: ops']);
    assert.equal(response.status, 401, response.body);
  });

  it('rejects a repeated user header', async () => {
    const response = await readStatus(['X-User: mallory', 'X-User: dana']);
    assert.equal(response.status, 401, response.body);
  });
});
