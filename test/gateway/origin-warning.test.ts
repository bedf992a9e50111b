import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/index.js';
import {
  MAX_WARNED_ORIGINS,
  ORIGIN_WARNING_INTERVAL_MS,
  RejectedOriginWarnings,
} from '../../src/gateway/origin-warnings.js';
import { refreshInit } from './auth-fixtures.js';
import {
  GATEWAY_CONFIG,
  QUIET_GUID,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
  type LogEntry,
} from './harness.js';

const ALLOWED = 'https://dashboards.example.com';

const CORS_CONFIG = parseGatewayConfig({
  cors: { origins: [ALLOWED] },
  rate_limit: GATEWAY_CONFIG.rate_limit,
  reports: { sales: { guid: SALES_GUID, log: 'full' }, quiet: { guid: QUIET_GUID } },
});

/** pino's number for the warn level. */
const WARN_LEVEL = 40;

function preflight(origin: string): RequestInit {
  return {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST' },
  };
}

describe('warnings about unlisted origins', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ config: CORS_CONFIG });
  });

  after(async () => {
    harness.assertNoSecretsShown();
    await harness.close();
  });

  /** Returns the warnings that the gateway logged about `origin`. */
  function originWarnings(origin: string): LogEntry[] {
    return harness.logs.lines
      .map((line) => JSON.parse(line) as LogEntry)
      .filter((entry) => entry.level === WARN_LEVEL && entry.origin === origin);
  }

  it('warns once for repeated requests', async () => {
    const origin = 'http://127.0.0.1:8611';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const read = await harness.request('/v1/reports/quiet', { headers: { origin } });
      assert.equal(read.status, 200, read.text);
    }
    const check = await harness.request('/v1/reports/quiet/refresh', preflight(origin));
    assert.equal(check.status, 403);
    const refresh = await harness.request('/v1/reports/quiet/refresh', refreshInit({ origin }));
    assert.equal(refresh.status, 403);

    const warnings = originWarnings(origin);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.suppressed, 0);
  });

  it('names the origin, method and path', async () => {
    const origin = 'https://reports.example.org';
    await harness.request('/v1/reports/quiet?variant=apac&note=private-value', {
      headers: { origin },
    });

    const [warning] = originWarnings(origin);
    assert.ok(warning, 'no warning names the origin');
    assert.equal(warning.method, 'GET');
    assert.equal(warning.path, '/v1/reports/quiet');
    const message = String(warning.msg);
    assert.match(message, /The origin https:\/\/reports\.example\.org is not in cors\.origins/);
    assert.match(message, /add https:\/\/reports\.example\.org to cors\.origins/);
    assert.match(message, /cors\.credentials/);
    const line = harness.logs.lines.find((text) => text.includes('reports.example.org'));
    assert.ok(line !== undefined);
    assert.ok(!line.includes('private-value'), 'the warning repeats the query string');
  });

  it('warns about a refused refresh', async () => {
    const origin = 'https://other.example.net';
    const response = await harness.request('/v1/reports/quiet/refresh', refreshInit({ origin }));
    assert.equal(response.status, 403);

    const [warning] = originWarnings(origin);
    assert.equal(warning?.method, 'POST');
    assert.equal(warning?.path, '/v1/reports/quiet/refresh');
  });

  it('explains the opaque origin', async () => {
    await harness.request('/v1/reports/quiet', { headers: { origin: 'null' } });

    const [warning] = originWarnings('null');
    assert.ok(warning, 'no warning about the opaque origin');
    assert.match(String(warning.msg), /cors\.origins cannot list this origin/);
  });

  it('names a value that is no single origin', async () => {
    for (const origin of ['http://one.example, http://two.example', 'https://site.example/path']) {
      await harness.request('/v1/reports/quiet', { headers: { origin } });
      const [warning] = originWarnings(origin);
      assert.ok(warning, `no warning about ${origin}`);
      assert.match(String(warning.msg), /is not a single origin such as https:\/\/dashboards\.example\.com/);
      assert.doesNotMatch(String(warning.msg), /add .* to cors\.origins/);
    }
  });

  it('stays quiet for listed and own origins', async () => {
    const own = harness.gatewayUrl;
    const requests: Array<[string, RequestInit]> = [
      ['/v1/reports/quiet', { headers: { origin: ALLOWED } }],
      ['/v1/reports/quiet/refresh', preflight(ALLOWED)],
      ['/v1/reports/nope/refresh', refreshInit({ origin: ALLOWED })],
      ['/v1/reports/quiet', { headers: { origin: own } }],
      ['/v1/reports/nope/refresh', refreshInit({ origin: own })],
      ['/v1/reports/quiet', {}],
    ];
    for (const [path, init] of requests) {
      const response = await harness.request(path, init);
      assert.notEqual(response.status, 403, `${init.method ?? 'GET'} ${path}: ${response.text}`);
    }

    assert.deepEqual(originWarnings(ALLOWED), []);
    assert.deepEqual(originWarnings(own), []);
    const unnamed = harness.logs.lines
      .map((line) => JSON.parse(line) as LogEntry)
      .filter((entry) => entry.level === WARN_LEVEL && entry.origin === undefined);
    assert.deepEqual(unnamed, []);
  });
});

/** Returns a logger double and the warnings it records. */
function recordingLogger() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = {
    warn(fields: Record<string, unknown>, message: string) {
      warnings.push({ fields, message });
    },
  };
  return { warnings, logger };
}

describe('RejectedOriginWarnings', () => {
  const request = { method: 'GET', path: '/v1/reports/quiet' };

  it('warns again after the interval', () => {
    let nowMs = 0;
    const { warnings, logger } = recordingLogger();
    const origins = new RejectedOriginWarnings(logger as never, () => nowMs);

    origins.warn('https://a.example', request);
    nowMs = ORIGIN_WARNING_INTERVAL_MS - 1;
    origins.warn('https://a.example', request);
    origins.warn('https://a.example', request);
    assert.equal(warnings.length, 1);

    nowMs = ORIGIN_WARNING_INTERVAL_MS;
    origins.warn('https://a.example', request);
    assert.equal(warnings.length, 2);
    assert.equal(warnings[1]!.fields.suppressed, 2);
  });

  it('bounds the number of origins', () => {
    let nowMs = 0;
    const { warnings, logger } = recordingLogger();
    const origins = new RejectedOriginWarnings(logger as never, () => nowMs);

    for (let index = 0; index < MAX_WARNED_ORIGINS * 3; index += 1) {
      origins.warn(`https://forged-${index}.example`, request);
    }
    const named = warnings.filter((warning) => warning.fields.origin !== undefined);
    const overflow = warnings.filter((warning) => warning.fields.origin === undefined);
    assert.equal(named.length, MAX_WARNED_ORIGINS);
    assert.equal(overflow.length, 1);
    assert.match(overflow[0]!.message, /more than 100 origins/);

    // An origin already in the table keeps its throttle while the table is full.
    origins.warn('https://forged-0.example', request);
    assert.equal(warnings.length, MAX_WARNED_ORIGINS + 1);

    // Once the interval has passed, new origins take the places of the old ones.
    nowMs = ORIGIN_WARNING_INTERVAL_MS;
    origins.warn('https://late.example', request);
    assert.equal(warnings.at(-1)!.fields.origin, 'https://late.example');
  });

  it('cuts a long origin', () => {
    const { warnings, logger } = recordingLogger();
    const origins = new RejectedOriginWarnings(logger as never);

    origins.warn(`https://${'a'.repeat(5000)}.example`, request);
    const origin = String(warnings[0]!.fields.origin);
    assert.ok(origin.length <= 201, `origin of ${origin.length} characters`);
    assert.ok(warnings[0]!.message.length < 1000);
  });
});
