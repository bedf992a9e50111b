import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { buildGateway } from '../../src/gateway/index.js';
import { GATEWAY_CONFIG, SERVER_TEST_TIMEOUT_MS, unusedLocalUrl } from './harness.js';
import { parseResponses, RawConnection } from './raw-http.js';

describe('gateway shutdown', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  it('responds 503 while closing', async () => {
    // The request never reaches Connect, so nothing needs to listen there.
    const connect = { server: await unusedLocalUrl(), apiKey: 'shutdown-test-key' };
    const app = await buildGateway({ config: GATEWAY_CONFIG, connect });
    let markClosing!: () => void;
    const closing = new Promise<void>((resolve) => {
      markClosing = resolve;
    });
    // Added after the gateway's own preClose hook, so it runs once closing has begun.
    app.addHook('preClose', async () => {
      markClosing();
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as AddressInfo | null;
    assert.notEqual(address, null);
    assert.equal(typeof address!.port, 'number');

    // A connection in the middle of a request head is not idle, so closing keeps it open,
    // and the request arrives in full only once the gateway is closing.
    const connection = await RawConnection.open(`http://127.0.0.1:${address!.port}`);
    connection.write('GET /v1/reports/sales HTTP/1.1\r\nHost: localhost\r\n');
    const closed = app.close();
    await closing;
    connection.write('\r\n');

    const responses = parseResponses(await connection.readUntilClosed());
    await closed;
    assert.equal(responses.length, 1);
    const [response] = responses as [(typeof responses)[number]];
    assert.equal(response.status, 503, response.body);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.equal(response.headers.get('connection'), 'close');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = JSON.parse(response.body);
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.code, 'shutting_down');
    assert.match(body.error.message, /shutting down/);
  });
});
