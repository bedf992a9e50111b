import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { BEARER_TOKENS, bearer, refreshInit, SCHEDULER_TOKEN } from './auth-fixtures.js';
import { REGIONS_GUID, SALES_GUID, SERVER_TEST_TIMEOUT_MS } from './harness.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import {
  REDIS_TEST_PASSWORD,
  replicaConfig,
  startReplicas,
  type Replica,
  type ReplicaSet,
} from './replicas.js';

/**
 * Sales names the scheduler token as its owner, who may cancel its renders. Regions renders
 * emea by default and also allows apac.
 */
const EXTRA = {
  auth: { anonymous: true, bearer_tokens: BEARER_TOKENS },
  reports: {
    sales: { guid: SALES_GUID, log: 'full', cancel: { tokens: ['nightly-scheduler'] } },
    regions: { guid: REGIONS_GUID, log: 'full', variant: 'emea', variants: ['apac'] },
  },
};
const OWNER = bearer(SCHEDULER_TOKEN);

function refreshVariant(replica: Replica, variant: string) {
  return replica.request(`/v1/reports/regions/refresh?variant=${variant}`, refreshInit());
}

describe('replicas with variants and cancel', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let redis: RedisServer;
  let admin: Redis;
  let replicas: ReplicaSet | undefined;

  before(async () => {
    redis = await startRedisServer(REDIS_TEST_PASSWORD);
    admin = redis.client();
  });

  after(async () => {
    await redis.close();
  });

  beforeEach(async () => {
    await admin.flushall();
  });

  afterEach(async () => {
    replicas?.assertNoSecretsShown();
    await replicas?.close();
    replicas = undefined;
  });

  async function start(): Promise<ReplicaSet> {
    replicas = await startReplicas(replicaConfig(redis, EXTRA));
    return replicas;
  }

  it('claim each variant on its own', async () => {
    const { a, b, harness } = await start();
    const emea = await a.refresh('regions');
    const apac = await refreshVariant(b, 'apac');
    assert.equal(emea.status, 202, emea.text);
    assert.equal(apac.status, 202, apac.text);
    assert.equal(emea.body.joined, false);
    assert.equal(apac.body.joined, false, 'apac starts beside the emea render of A');

    const emeaOnB = await b.refresh('regions');
    const apacOnA = await refreshVariant(a, 'apac');
    assert.equal(emeaOnB.body.joined, true, 'B joins the emea render of A');
    assert.equal(emeaOnB.body.started_at, emea.body.started_at);
    assert.equal(apacOnA.body.joined, true, 'A joins the apac render of B');
    assert.equal(apacOnA.body.started_at, apac.body.started_at);
    const jobs = await harness.connect.listJobs(REGIONS_GUID);
    assert.deepEqual(jobs.map((job) => job.variant_key).sort(), ['apac', 'emea']);

    await harness.finishRender('regions-apac', ['apac done'], 0);
    const apacEnd = await a.awaitOutcome(apacOnA.body.handle);
    assert.equal(apacEnd.body.state, 'succeeded');
    assert.equal(apacEnd.body.output.at(-1), 'apac done');
    const emeaRunning = await b.request(`/v1/renders/${emeaOnB.body.handle}?wait=0`);
    assert.equal(emeaRunning.body.state, 'running', 'the emea render goes on');
    await harness.finishRender('regions-emea', [], 0);
    assert.equal((await b.awaitOutcome(emeaOnB.body.handle)).body.state, 'succeeded');
  });

  it('cancel on the replica that reads', async () => {
    const { a, b, harness } = await start();
    const started = await a.request('/v1/reports/sales/refresh', refreshInit(OWNER));
    assert.equal(started.status, 202, started.text);
    const handle = started.body.handle;
    const running = await b.request(`/v1/renders/${handle}?wait=0`);
    assert.equal(running.body.state, 'running', 'B follows the render of A');

    const cancelled = await b.request(`/v1/renders/${handle}/cancel`, refreshInit(OWNER));
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.state, 'cancelled');
    assert.equal((await a.awaitOutcome(handle)).body.state, 'cancelled', 'A shows it cancelled');
    assert.equal((await b.awaitOutcome(handle)).body.state, 'cancelled');

    const finished = await a.logs.waitFor((entry) => entry.msg === 'render finished');
    assert.equal(finished.state, 'cancelled');
    assert.equal(finished.cancelled_by, 'token nightly-scheduler');
    assert.equal(b.logs.entries('render finished').length, 0, 'the owner alone audits the end');
    const [job] = await harness.connect.listJobs(SALES_GUID);
    assert.notEqual(job?.status, 0, 'the render job ended');
  });

  it('show a cancel of the owner on the reader', async () => {
    const { a, b } = await start();
    const started = await a.request('/v1/reports/sales/refresh', refreshInit(OWNER));
    const handle = started.body.handle;
    const running = await b.request(`/v1/renders/${handle}?wait=0`);
    assert.equal(running.body.state, 'running');

    const cancelled = await a.request(`/v1/renders/${handle}/cancel`, refreshInit(OWNER));
    assert.equal(cancelled.status, 200, cancelled.text);
    const onB = await b.awaitOutcome(handle);
    assert.equal(onB.body.state, 'cancelled');
    assert.equal(onB.body.error, 'A report owner cancelled the render.');
  });
});
