import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REDIS_PASSWORD_ENV } from '../../src/gateway/config-redis.js';
import { listeningUrl, startCli, type CliRun } from '../cli/cli-process.js';
import { SALES_GUID, SERVER_TEST_TIMEOUT_MS } from './harness.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { REDIS_TEST_PASSWORD, replicaConfig, startReplicas, type ReplicaSet } from './replicas.js';

/** Claim lifetime of the replicas in this test, in ms; short, so the dead claim expires soon. */
const CLAIM_TTL_MS = 3_000;

describe('a replica that dies holding a claim', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let redis: RedisServer;
  let replicas: ReplicaSet;
  let dir: string;
  let doomed: CliRun | undefined;

  before(async () => {
    redis = await startRedisServer(REDIS_TEST_PASSWORD);
    replicas = await startReplicas(replicaConfig(redis));
    dir = await mkdtemp(join(tmpdir(), 'replica-crash-'));
  });

  after(async () => {
    doomed?.child.kill('SIGKILL');
    replicas.assertNoSecretsShown();
    await replicas.close();
    await redis.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a render that another replica follows', async () => {
    const { b, harness } = replicas;
    const configFile = join(dir, 'gateway.json');
    await writeFile(configFile, JSON.stringify({
      reports: { sales: { guid: SALES_GUID, log: 'full' } },
      redis: { url: redis.url, claim_ttl_ms: CLAIM_TTL_MS },
    }));
    doomed = startCli(['gateway', '--config', configFile, '--port', '0', '--log-level', 'warn'], {
      CONNECT_SERVER: harness.standInUrl,
      CONNECT_API_KEY: harness.apiKey,
      CONNECT_REFRESH_HANDLE_SECRET: harness.handleSecret,
      [REDIS_PASSWORD_ENV]: REDIS_TEST_PASSWORD,
    });
    const doomedUrl = await listeningUrl(doomed);
    const started = await fetch(`${doomedUrl}/v1/reports/sales/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(started.status, 202);
    const { handle } = (await started.json()) as { handle: string };

    // SIGKILL: no shutdown hook runs, so the claim stays in Redis until it expires.
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const joined = await b.refresh('sales');
    assert.equal(joined.status, 202, joined.text);
    assert.equal(joined.body.joined, true, 'B joins the render of the dead replica');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 1);

    await harness.finishRender('sales', ['done'], 0);
    const outcome = await b.awaitOutcome(handle);
    assert.equal(outcome.body.state, 'succeeded', 'B follows it on Connect once the claim expired');
    assert.ok(
      b.logs.entries('The shared state of the render is gone; looking it up on Connect').length > 0,
    );
    assert.equal((await b.awaitOutcome(joined.body.handle)).body.state, 'succeeded');

    const next = await b.refresh('sales');
    assert.equal(next.status, 202, next.text);
    assert.equal(next.body.joined, false, 'the expired claim no longer blocks a new render');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 2);
    await harness.finishRender('sales', [], 0);
    assert.equal((await b.awaitOutcome(next.body.handle)).body.state, 'succeeded');
  });
});
