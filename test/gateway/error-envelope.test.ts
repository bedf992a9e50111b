import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildGateway } from '../../src/gateway/index.js';
import {
  GATEWAY_CONFIG,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  unusedLocalUrl,
  type Harness,
} from './harness.js';
import { parseResponses, RawConnection, sendRaw, type RawResponse } from './raw-http.js';

/** Longer than the gateway's maximum path parameter length of 1024 characters. */
const LONG = 'a'.repeat(1100);

interface EnvelopeCase {
  name: string;
  request: string;
  status: number;
  code: string;
  /** Text of the request that the response must not contain. */
  absent?: string;
}

function get(path: string, extraHeaders = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extraHeaders}Connection: close\r\n\r\n`;
}

function request(method: string, path: string): string {
  return `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
}

function refresh(path: string): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
    'Content-Length: 2\r\nConnection: close\r\n\r\n{}'
  );
}

const CASES: EnvelopeCase[] = [
  {
    name: 'bad percent-encoding in a report path',
    request: get('/v1/reports/%zz'),
    status: 400,
    code: 'invalid_request',
    absent: '%zz',
  },
  {
    name: 'bad percent-encoding in an unknown path',
    request: get('/nothing/here/%zz'),
    status: 400,
    code: 'invalid_request',
    absent: '/nothing/here',
  },
  {
    name: 'bad percent-encoding in an absolute URL',
    request: get('http://gateway.test/v1/renders/%E0%A4%A'),
    status: 400,
    code: 'invalid_request',
    absent: '%E0',
  },
  {
    name: 'report name over the length limit',
    request: get(`/v1/reports/${LONG}`),
    status: 404,
    code: 'unknown_report',
    absent: 'a'.repeat(100),
  },
  {
    name: 'refresh of a name over the length limit',
    request: refresh(`/v1/reports/${LONG}/refresh`),
    status: 404,
    code: 'unknown_report',
    absent: 'a'.repeat(100),
  },
  {
    name: 'handle over the length limit',
    request: get(`/v1/renders/${LONG}`),
    status: 404,
    code: 'unknown_render',
    absent: 'a'.repeat(100),
  },
  {
    name: 'long handle with another method',
    request: request('DELETE', `/v1/renders/${LONG}`),
    status: 405,
    code: 'method_not_allowed',
    absent: 'a'.repeat(100),
  },
  {
    name: 'unknown HTTP method',
    request: 'FOO /v1/reports/sales HTTP/1.1\r\nHost: localhost\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    absent: 'FOO',
  },
  {
    name: 'bytes that are not HTTP',
    request: 'hello gateway\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    absent: 'hello',
  },
  {
    name: 'header over the size limit',
    request: get('/v1/reports/sales', `X-Padding: ${'p'.repeat(20_000)}\r\n`),
    status: 400,
    code: 'invalid_request',
    absent: 'ppppp',
  },
  {
    name: 'invalid header name',
    request: get('/v1/reports/sales', 'Bad Header: secret-looking-value\r\n'),
    status: 400,
    code: 'invalid_request',
    absent: 'secret-looking-value',
  },
  {
    name: 'unsupported Expect header',
    request: get('/v1/reports/sales', 'Expect: teapot\r\n'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'CONNECT request',
    request: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    absent: '127.0.0.1:22',
  },
  {
    name: 'HTTP/1.1 request without Host',
    request: 'GET /v1/reports/sales HTTP/1.1\r\nConnection: close\r\n\r\n',
    status: 400,
    code: 'invalid_request',
  },
];

/** Asserts that a response is one protocol error with exactly the envelope's fields. */
function assertEnvelope(response: RawResponse, status: number, code: string): void {
  assert.equal(response.status, status, response.body);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error), ['code', 'message']);
  assert.equal(body.error.code, code);
  assert.ok(body.error.message.length > 20, body.error.message);
}

describe('error envelope', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });

  after(async () => {
    await harness.close();
  });

  for (const testCase of CASES) {
    it(`responds to ${testCase.name}`, async () => {
      const responses = await sendRaw(harness.gatewayUrl, testCase.request);
      assert.equal(responses.length, 1, `${responses.length} responses`);
      const [response] = responses as [RawResponse];
      assertEnvelope(response, testCase.status, testCase.code);
      if (testCase.absent !== undefined) {
        assert.ok(!response.body.includes(testCase.absent), `the body repeats the request`);
      }
    });
  }

  it('responds to a request timeout', async () => {
    // Node raises this error after its headersTimeout (60 s by default); the test raises it
    // on the server's socket of a fresh connection at once.
    const app = await buildGateway({
      config: GATEWAY_CONFIG,
      connect: { server: await unusedLocalUrl(), apiKey: 'timeout-test-key' },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as AddressInfo;
    const accepted = once(app.server, 'connection') as Promise<[Socket]>;
    const connection = await RawConnection.open(`http://127.0.0.1:${address.port}`);
    const [serverSocket] = await accepted;
    connection.write('GET /v1/reports/sales HTTP/1.1\r\n');
    const timeout = Object.assign(new Error('Request timeout'), {
      code: 'ERR_HTTP_REQUEST_TIMEOUT',
    });
    app.server.emit('clientError', timeout, serverSocket);

    const [response] = parseResponses(await connection.readUntilClosed());
    await app.close();
    assertEnvelope(response!, 400, 'invalid_request');
    assert.match(response!.body, /did not arrive in full in time/);
  });

  it('responds to HEAD without a body', async () => {
    const [response] = await sendRaw(harness.gatewayUrl, request('HEAD', `/v1/renders/${LONG}`));
    assert.equal(response?.status, 404);
    assert.equal(response.body, '');
  });

  it('names the route pattern in a 405', async () => {
    const [response] = await sendRaw(harness.gatewayUrl, request('PUT', '/v1/reports/sales'));
    assertEnvelope(response!, 405, 'method_not_allowed');
    assert.equal(response!.headers.get('allow'), 'GET, HEAD');
    assert.match(response!.body, /Method PUT is not allowed on \/v1\/reports\/\{name\}; use GET/);
  });
});
