import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildGateway, parseGatewayConfig } from '../../src/gateway/index.js';
import { refreshInit } from './auth-fixtures.js';
import {
  GATEWAY_CONFIG,
  QUIET_GUID,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

const ALLOWED = 'https://dashboards.example.com';
const OTHER = 'https://evil.example';

const CORS_CONFIG = parseGatewayConfig({
  cors: { origins: [ALLOWED] },
  rate_limit: GATEWAY_CONFIG.rate_limit,
  reports: { sales: { guid: SALES_GUID, log: 'full' }, quiet: { guid: QUIET_GUID } },
});

function preflight(origin: string): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  };
}

describe('browser safety', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ config: CORS_CONFIG });
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  async function jobCount(): Promise<number> {
    const jobs = await Promise.all(
      [SALES_GUID, QUIET_GUID].map((guid) => harness.connect.listJobs(guid)),
    );
    return jobs.flat().length;
  }

  it('grants preflights from allowed origins', async () => {
    const response = await harness.request('/v1/reports/sales/refresh', preflight(ALLOWED));
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(response.headers.get('access-control-allow-methods'), 'GET, POST');
    assert.equal(
      response.headers.get('access-control-allow-headers'),
      'Authorization, Content-Type',
    );
    assert.equal(response.headers.get('access-control-max-age'), '600');
    assert.equal(response.headers.get('vary'), 'Origin');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
  });

  it('rejects preflights from other origins', async () => {
    const response = await harness.request('/v1/reports/sales/refresh', preflight(OTHER));
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'origin_not_allowed');
    assert.match(response.body.error.message, /origin .* not allowed; add that origin to cors/);
    assert.ok(!response.text.includes('evil.example'), 'the body repeats the origin');
    for (const header of ['allow-origin', 'allow-methods', 'allow-headers', 'max-age']) {
      assert.equal(response.headers.get(`access-control-${header}`), null, header);
    }
  });

  it('marks responses to allowed origins', async () => {
    const allowed = await harness.request('/v1/reports/quiet', { headers: { origin: ALLOWED } });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(allowed.headers.get('access-control-expose-headers'), 'Retry-After');
    assert.equal(allowed.headers.get('vary'), 'Origin');

    const missing = await harness.request('/v1/reports/nope', { headers: { origin: ALLOWED } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('access-control-allow-origin'), ALLOWED, 'error response');

    const other = await harness.request('/v1/reports/quiet', { headers: { origin: OTHER } });
    assert.equal(other.status, 200, 'reads carry no grant, so the browser hides them');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('vary'), 'Origin');
  });

  it('rejects posts from other origins before any render', async () => {
    for (const origin of [OTHER, 'null', `${harness.gatewayUrl.replace('http:', 'https:')}`]) {
      const response = await harness.request(
        '/v1/reports/sales/refresh',
        refreshInit({ origin }),
      );
      assert.equal(response.status, 403, origin);
      assert.equal(response.body.error.code, 'origin_not_allowed', origin);
    }
    assert.equal(await jobCount(), 0);
    const audit = harness.logs.entries('refresh').at(-1);
    assert.equal(audit?.outcome, 'refused');
    assert.equal(audit?.code, 'origin_not_allowed');
    assert.equal(audit?.who, '127.0.0.1');
  });

  it('rejects cross-site form posts', async () => {
    const forms: Array<[string, string]> = [
      ['text/plain', '{}'],
      ['application/x-www-form-urlencoded', 'a=1'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n' +
        '\r\n1\r\n--x--\r\n'],
    ];
    for (const [contentType, body] of forms) {
      const response = await harness.request('/v1/reports/quiet/refresh', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      assert.equal(response.status, 415, contentType);
      assert.equal(response.body.error.code, 'unsupported_media_type', contentType);
    }
    assert.equal(await jobCount(), 0);
  });

  it('still checks the refresh body', async () => {
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ params: { region: 'x' } }), /Unknown field "params"/],
      [JSON.stringify({ pad: 'x'.repeat(2000) }), /larger than 1024 bytes/],
      ['{"a":', /not valid JSON/],
    ];
    for (const [body, pattern] of cases) {
      const response = await harness.request('/v1/reports/quiet/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(response.status, 400, body.slice(0, 20));
      assert.match(response.body.error.message, pattern);
    }
    assert.equal(await jobCount(), 0);
  });

  it('admits posts from its own and allowed origins', async () => {
    const own = await harness.request(
      '/v1/reports/quiet/refresh',
      refreshInit({ origin: harness.gatewayUrl }),
    );
    assert.equal(own.status, 202, own.text);
    const allowed = await harness.request(
      '/v1/reports/quiet/refresh',
      refreshInit({ origin: ALLOWED }),
    );
    assert.equal(allowed.status, 202, allowed.text);
    assert.equal(allowed.body.joined, true);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED);

    await harness.finishRender('quiet', [], 0);
    await harness.awaitOutcome(own.body.handle);
  });
});

describe('CORS with credentials', () => {
  it('allows credentials only when configured', async () => {
    for (const credentials of [true, false]) {
      const app = await buildGateway({
        config: parseGatewayConfig({
          cors: { origins: [ALLOWED], credentials },
          reports: { sales: { guid: SALES_GUID } },
        }),
        connect: { server: 'http://127.0.0.1:9', apiKey: 'unused' },
      });
      try {
        const response = await app.inject({
          method: 'OPTIONS',
          url: '/v1/reports/sales',
          headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
        });
        assert.equal(response.statusCode, 204);
        const expected = credentials ? 'true' : undefined;
        assert.equal(response.headers['access-control-allow-credentials'], expected);
      } finally {
        await app.close();
      }
    }
  });

  it('answers plain OPTIONS with 405', async () => {
    const app = await buildGateway({
      config: CORS_CONFIG,
      connect: { server: 'http://127.0.0.1:9', apiKey: 'unused' },
    });
    try {
      const response = await app.inject({ method: 'OPTIONS', url: '/v1/reports/sales/refresh' });
      assert.equal(response.statusCode, 405);
      assert.equal(response.headers.allow, 'POST');
      const unknown = await app.inject({ method: 'OPTIONS', url: '/elsewhere' });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error.code, 'not_found');
    } finally {
      await app.close();
    }
  });
});
