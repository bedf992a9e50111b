import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { renderKey } from '../../src/gateway/render-group.js';
import { SALES_GUID, SERVER_TEST_TIMEOUT_MS, startHarness } from './harness.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import {
  REDIS_TEST_PASSWORD,
  replicaConfig,
  startReplicas,
  type ReplicaSet,
} from './replicas.js';

const SALES_KEY = renderKey(SALES_GUID, null);

describe('gateway replicas', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
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

  async function start(extra: Record<string, unknown> = {}): Promise<ReplicaSet> {
    replicas = await startReplicas(replicaConfig(redis, extra));
    return replicas;
  }

  it('start one render for a burst', async () => {
    const { a, b, harness } = await start();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) => (index % 2 === 0 ? a : b).refresh('sales')),
    );
    for (const response of responses) {
      assert.equal(response.status, 202, response.text);
    }
    const started = responses.filter((response) => response.body.joined === false);
    assert.equal(started.length, 1, 'exactly one refresh started the render');
    const startedAt = new Set(responses.map((response) => response.body.started_at));
    assert.equal(startedAt.size, 1, 'every refresh got the same render');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 1, 'one render job');

    await harness.finishRender('sales', ['done'], 0);
    const [fromA, fromB] = [responses[0]!, responses[1]!];
    assert.equal((await a.awaitOutcome(fromA.body.handle)).body.state, 'succeeded');
    assert.equal((await b.awaitOutcome(fromB.body.handle)).body.state, 'succeeded');
    const finished = [...a.logs.entries('render finished'), ...b.logs.entries('render finished')];
    assert.equal(finished.length, 1, 'the owner alone writes the audit line');
  });

  it('follow a handle on the other replica', async () => {
    const { a, b, harness } = await start();
    const started = await a.refresh('sales');
    assert.equal(started.status, 202, started.text);
    const handle = started.body.handle;

    const running = await b.request(`/v1/renders/${handle}?wait=0`);
    assert.equal(running.status, 200, running.text);
    assert.equal(running.body.state, 'running');
    assert.equal(running.body.handle, handle);
    const status = await b.request('/v1/reports/sales');
    assert.equal(status.body.render?.state, 'running', 'B shows the render of A');

    const lines = ['rendering chunk 1', `key is ${harness.apiKey}`, 'Output created: index.html'];
    await harness.finishRender('sales', lines, 0);
    const onB = await b.awaitOutcome(handle);
    const onA = await a.awaitOutcome(handle);
    assert.equal(onB.body.state, 'succeeded');
    assert.deepEqual(onB.body.output, onA.body.output, 'B shows the log of A');
    assert.equal(onB.body.output.at(-1), 'Output created: index.html');
    assert.equal(onB.body.output.at(-2), 'key is [redacted]');
    assert.equal(onB.body.next, onA.body.next);
    assert.equal(onB.body.finished_at, onA.body.finished_at);
  });

  it('accept a cursor ahead of this replica', async () => {
    const { a, b, harness } = await start();
    const started = await a.refresh('sales');
    assert.equal(started.status, 202, started.text);
    const handle = started.body.handle;
    const first = await a.request(`/v1/renders/${handle}?wait=0`);
    // Lines that no replica has yet, as when B lags behind the replica that served the client.
    const ahead = first.body.next + 3;

    const early = await b.request(`/v1/renders/${handle}?after=${ahead}&wait=0`);
    assert.equal(early.status, 200, early.text);
    assert.deepEqual(early.body.output, []);
    assert.equal(early.body.next, ahead, 'next never drops below after');

    const heldPoll = b.request(`/v1/renders/${handle}?after=${ahead}&wait=30`);
    await harness.finishRender('sales', ['one', 'two', 'three', 'four', 'five'], 0);
    const collected: string[] = [];
    let progress = await heldPoll;
    for (;;) {
      assert.equal(progress.status, 200, progress.text);
      collected.push(...progress.body.output);
      if (progress.body.state !== 'running') {
        break;
      }
      progress = await b.request(`/v1/renders/${handle}?after=${progress.body.next}&wait=30`);
    }
    const outcome = await a.awaitOutcome(handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.deepEqual(collected, outcome.body.output.slice(ahead), 'each line from the cursor on, once');
  });

  it('follow an ended render on the other replica', async () => {
    const { a, b, harness } = await start();
    const started = await a.refresh('sales');
    await harness.finishRender('sales', ['Error: no data'], 1);
    const onA = await a.awaitOutcome(started.body.handle);
    assert.equal(onA.body.state, 'failed');
    // A finishes its records first and writes the shared state right after.
    await a.logs.waitFor((entry) => entry.msg === 'Wrote the end of the render to the shared state');

    const onB = await b.request(`/v1/renders/${started.body.handle}`);
    assert.equal(onB.status, 200, onB.text);
    assert.equal(onB.body.state, 'failed');
    assert.deepEqual(onB.body.output, onA.body.output);
    assert.equal(onB.body.error, onA.body.error);
  });

  it('take over when the owner stops', async () => {
    const { a, b, harness } = await start();
    const started = await a.refresh('sales');
    assert.equal(started.status, 202, started.text);
    const running = await b.request(`/v1/renders/${started.body.handle}?wait=0`);
    assert.equal(running.body.state, 'running');

    // A closes gracefully: it abandons its claim, so B looks the render up on Connect at once.
    await a.close();
    await b.logs.waitFor(
      (entry) => entry.msg === 'The shared state of the render is gone; looking it up on Connect',
    );
    const joined = await b.refresh('sales');
    assert.equal(joined.status, 202, joined.text);
    assert.equal(joined.body.joined, true, 'B joins the render that A left');
    await harness.finishRender('sales', [], 0);
    assert.equal((await b.awaitOutcome(started.body.handle)).body.state, 'succeeded');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 1, 'one render job');
  });

  it('honour a cooldown set by the other', async () => {
    const { a, b, harness } = await start({
      reports: { sales: { guid: SALES_GUID, log: 'full', cooldown_s: 300 } },
    });
    const started = await a.refresh('sales');
    await harness.finishRender('sales', [], 0);
    assert.equal((await a.awaitOutcome(started.body.handle)).body.state, 'succeeded');
    await a.logs.waitFor((entry) => entry.msg === 'Wrote the end of the render to the shared state');

    const stored = await admin.get(`connect-refresh:success:${SALES_KEY}`);
    assert.ok(stored !== null, 'A stored the success in Redis');
    const refused = await b.refresh('sales');
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.error.code, 'cooldown');
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 1);
  });

  it('share rate limits', async () => {
    const { a, b } = await start({ rate_limit: { refresh_per_minute: 2, reads_per_minute: 600 } });
    assert.equal((await a.refresh('sales')).status, 202);
    assert.equal((await b.refresh('sales')).status, 202);
    const limited = await a.refresh('sales');
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.equal((await b.refresh('sales')).status, 429, 'B counts the same bucket');
  });

  it('refuse refreshes while Redis hangs', async () => {
    const { a, harness } = await start({
      redis: { url: redis.url, claim_ttl_ms: 3_000, command_timeout_ms: 200 },
    });
    redis.pause();
    try {
      const refused = await a.refresh('sales');
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.body.error.code, 'shared_state_unavailable');
      const ready = await a.request('/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body.reason, /failed the ping: Command timed out/);
    } finally {
      redis.resume();
    }
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 0, 'no render started');
    const started = await a.refresh('sales');
    assert.equal(started.status, 202, started.text);
    await harness.finishRender('sales', [], 0);
    assert.equal((await a.awaitOutcome(started.body.handle)).body.state, 'succeeded');
  });

  it('end a render on the other replica while Redis is down', async () => {
    const { a, b, harness } = await start();
    const started = await a.refresh('sales');
    assert.equal(started.status, 202, started.text);
    const handle = started.body.handle;
    const running = await b.request(`/v1/renders/${handle}?wait=0`);
    assert.equal(running.body.state, 'running', running.text);

    await redis.stop();
    try {
      await harness.finishRender('sales', [], 0);
      const onB = await b.awaitOutcome(handle);
      assert.equal(onB.body.state, 'succeeded', onB.text);
    } finally {
      await redis.start();
    }
  });

  it('refuse refreshes while Redis is down', async () => {
    const { a, b, harness } = await start();
    await redis.stop();
    try {
      await a.logs.waitFor((entry) => /^Redis connection (failed|closed)/.test(String(entry.msg)));
      for (const replica of [a, b]) {
        const refused = await replica.refresh('sales');
        assert.equal(refused.status, 503, refused.text);
        assert.equal(refused.body.error.code, 'shared_state_unavailable');
        assert.equal(refused.headers.get('retry-after'), '5');
      }
      assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 0, 'no render started');

      const status = await a.request('/v1/reports/sales');
      assert.equal(status.status, 200, 'reads go on');
      const ready = await b.request('/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body.reason, /^Redis at unix:\/\/.* failed the ping/);
      assert.equal((await a.request('/healthz')).status, 200);
    } finally {
      await redis.start();
    }

    // The first line is from the start, the second from the reconnection.
    let connections = 0;
    await a.logs.waitFor((entry) => entry.msg === 'Connected to Redis' && ++connections === 2);
    const started = await a.refresh('sales');
    assert.equal(started.status, 202, started.text);
    assert.equal((await harness.connect.listJobs(SALES_GUID)).length, 1);
    await harness.finishRender('sales', [], 0);
    assert.equal((await a.awaitOutcome(started.body.handle)).body.state, 'succeeded');
  });
});

describe('single gateway without Redis', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  it('keeps its state in memory', async () => {
    const harness = await startHarness();
    try {
      const started = await harness.refresh('sales');
      assert.equal(started.status, 202, started.text);
      assert.equal(started.body.joined, false);
      const joined = await harness.refresh('sales');
      assert.equal(joined.body.joined, true);
      assert.equal(joined.body.handle, started.body.handle, 'the same handle, as before');
      const ready = await harness.request('/readyz');
      assert.equal(ready.status, 200, ready.text);
      assert.ok(!harness.logs.lines.some((line) => line.includes('Redis')), 'no Redis in the log');
      await harness.finishRender('sales', [], 0);
      assert.equal((await harness.awaitOutcome(started.body.handle)).body.state, 'succeeded');
      harness.assertNoSecretsShown();
    } finally {
      await harness.close();
    }
  });
});
