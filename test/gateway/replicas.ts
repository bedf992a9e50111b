/**
 * Several gateway replicas in front of one stand-in, sharing one private redis-server: the
 * harness's gateway is replica A, and `startReplica` starts more with the same handle secret
 * and config, each with its own log. Every response goes to the harness's leak scan.
 */
import assert from 'node:assert/strict';
import { parseGatewayConfig, startGateway, type GatewayConfig } from '../../src/gateway/index.js';
import { REDIS_PASSWORD_ENV } from '../../src/gateway/config-redis.js';
import { LogCapture, SALES_GUID, startHarness, type GatewayResponse, type Harness } from './harness.js';
import type { RedisServer } from './redis-server.js';

/** One gateway replica, reached at its own address. */
export interface Replica {
  readonly url: string;
  logs: LogCapture;
  request(path: string, init?: RequestInit): Promise<GatewayResponse>;
  refresh(name: string): Promise<GatewayResponse>;
  /** Long-polls the render until its state is not `running`, and returns the last response. */
  awaitOutcome(handle: string): Promise<GatewayResponse>;
  close(): Promise<void>;
}

export interface ReplicaSet {
  harness: Harness;
  a: Replica;
  b: Replica;
  /** Asserts that no response or log line of any replica shows a secret. */
  assertNoSecretsShown(): void;
  close(): Promise<void>;
}

/** Password of the test's redis-server, which must never appear in a response or log. */
export const REDIS_TEST_PASSWORD = 'redis-test-password-9f3c2b71d4e8a605';

/**
 * Returns the config of the replica tests: report sales on the stand-in, rate limits that
 * tests do not reach, and `redis` with a 3 s claim lifetime. `extra` replaces top-level
 * sections.
 */
export function replicaConfig(redis: RedisServer, extra: Record<string, unknown> = {}): GatewayConfig {
  return parseGatewayConfig({
    rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000 },
    reports: { sales: { guid: SALES_GUID, log: 'full' } },
    redis: { url: redis.url, claim_ttl_ms: 3_000 },
    ...extra,
  });
}

const ENV = { [REDIS_PASSWORD_ENV]: REDIS_TEST_PASSWORD };

/** Starts the stand-in and two replicas, A and B, with `config`. */
export async function startReplicas(config: GatewayConfig): Promise<ReplicaSet> {
  const harness = await startHarness({
    config,
    gateway: { env: ENV, jobPollMs: 50, sharedPollMs: 50 },
  });
  const a = wrap(harness, harness.gatewayUrl, harness.logs, () => harness.closeGateway());
  let b: Replica;
  try {
    b = await startReplica(harness, config);
  } catch (error) {
    await harness.close();
    throw error;
  }
  return {
    harness,
    a,
    b,
    assertNoSecretsShown() {
      harness.scan.assertAbsent(
        { 'API key': harness.apiKey, 'handle secret': harness.handleSecret, 'Redis password': REDIS_TEST_PASSWORD },
        [...a.logs.lines, ...b.logs.lines],
      );
    },
    async close() {
      await b.close();
      await harness.close();
    },
  };
}

/** Starts one more replica next to the harness's gateway, with the same secret and key. */
export async function startReplica(harness: Harness, config: GatewayConfig): Promise<Replica> {
  const logs = new LogCapture();
  const gateway = await startGateway({
    config,
    connect: { server: harness.standInUrl, apiKey: harness.apiKey },
    logger: { level: 'trace', stream: logs.stream },
    host: '127.0.0.1',
    port: 0,
    env: ENV,
    jobPollMs: 50,
    sharedPollMs: 50,
    handleSecret: harness.handleSecret,
  });
  return wrap(harness, gateway.url, logs, () => gateway.close());
}

function wrap(harness: Harness, url: string, logs: LogCapture, close: () => Promise<void>): Replica {
  const request = async (path: string, init?: RequestInit): Promise<GatewayResponse> => {
    const fetched = await fetch(`${url}${path}`, init);
    const text = await fetched.text();
    harness.scan.recordResponse(text, fetched.headers);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: fetched.status, headers: fetched.headers, text, body };
  };
  return {
    url,
    logs,
    request,
    refresh: (name) =>
      request(`/v1/reports/${name}/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    async awaitOutcome(handle) {
      for (;;) {
        const response = await request(`/v1/renders/${handle}?wait=30`);
        assert.equal(response.status, 200, response.text);
        if (response.body.state !== 'running') {
          return response;
        }
      }
    },
    close,
  };
}
