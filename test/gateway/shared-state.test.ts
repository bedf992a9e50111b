import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { renderKey } from '../../src/gateway/render-group.js';
import { ERROR_TAIL_LINES, MAX_STORED_LINES } from '../../src/gateway/render-log.js';
import { MemoryState, READ_BATCH_LINES } from '../../src/gateway/shared-state/memory-state.js';
import { RedisState } from '../../src/gateway/shared-state/redis-state.js';
import type { SharedRender, SharedState } from '../../src/gateway/shared-state/types.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { recordingLogger } from './registry-fakes.js';

const KEY = renderKey('6a3b4c5d-0000-4000-8000-00000000beef', null);
const OTHER_KEY = renderKey('6a3b4c5d-0000-4000-8000-00000000cafe', null);
const ORIGIN = { startedAt: new Date('2026-12-04T15:10:00.000Z'), startedBy: 'user alice',
  requester: 'alice', jobKey: null };
const CLAIM_TTL_MS = 30_000;

/** A state under test, and a way to end a claim as its expiry would. */
interface Subject {
  /** Returns the state of one more replica. */
  replica(): Promise<SharedState>;
  expireClaim(key: string): Promise<void>;
}

/** Reads the whole log of a render that has ended, batch by batch. */
async function readAll(state: SharedState, render: SharedRender) {
  const lines: string[] = [];
  for (;;) {
    const read = await state.renders.read(render, lines.length);
    assert.ok(read !== undefined, 'the render is still stored');
    lines.push(...read.lines);
    if (read.lines.length < READ_BATCH_LINES) {
      return { ...read, lines };
    }
  }
}

function contract(name: string, setUp: () => Promise<Subject & { close(): Promise<void> }>) {
  describe(`${name} shared state`, () => {
    let subject: Subject & { close(): Promise<void> };

    before(async () => {
      subject = await setUp();
    });

    after(async () => {
      await subject.close();
    });

    it('grants one claim per key', async () => {
      const [a, b] = [await subject.replica(), await subject.replica()];
      const first = await a.renders.claim(KEY, ORIGIN);
      assert.equal(first.claimed, true);
      const second = await b.renders.claim(KEY, { ...ORIGIN, startedBy: 'user bob' });
      assert.equal(second.claimed, false);
      assert.deepEqual(second.render, first.render, 'the loser gets the holder render');
      assert.equal(second.render.startedBy, 'user alice');
      assert.deepEqual(await b.renders.current(KEY), first.render);
      assert.equal(await b.renders.current(OTHER_KEY), undefined);

      await a.renders.finish(first.render, { state: 'succeeded', finishedAt: new Date(), reason: null, cancelledBy: null });
      assert.equal(await b.renders.current(KEY), undefined, 'finish releases the claim');
      const next = await b.renders.claim(KEY, ORIGIN);
      assert.equal(next.claimed, true);
      assert.notEqual(next.render.id, first.render.id);
      await b.renders.abandon(next.render);
    });

    it('shares the log and outcome', async () => {
      const [owner, reader] = [await subject.replica(), await subject.replica()];
      const { render } = await owner.renders.claim(KEY, ORIGIN);
      await owner.renders.appendOutput(render, ['one', 'two'], 'full');
      await owner.renders.appendOutput(render, ['three'], 'full');

      const running = await reader.renders.read(render, 1);
      assert.equal(running?.state, 'running');
      assert.equal(running?.lineCount, 3);
      assert.deepEqual(running?.lines, ['two', 'three']);
      assert.deepEqual(running?.tail, [], 'no tail while running');

      const finishedAt = new Date('2026-12-04T15:11:00.000Z');
      await owner.renders.finish(render, { state: 'failed', finishedAt, reason: 'Error: no data', cancelledBy: null });
      await owner.renders.appendOutput(render, ['late'], 'full');
      const ended = await reader.renders.read(render, 0);
      assert.equal(ended?.state, 'failed');
      assert.equal(ended?.finishedAt?.toISOString(), finishedAt.toISOString());
      assert.equal(ended?.reason, 'Error: no data');
      assert.deepEqual(ended?.lines, ['one', 'two', 'three'], 'no line after the end');
      assert.deepEqual(ended?.tail, ['one', 'two', 'three']);
      assert.deepEqual(await reader.renders.newestSince(KEY, ORIGIN.startedAt), render);
      const later = new Date(ORIGIN.startedAt.getTime() + 1);
      assert.equal(await reader.renders.newestSince(KEY, later), undefined);
    });

    it('shares kill orders and cancelled ends', async () => {
      const [owner, reader] = [await subject.replica(), await subject.replica()];
      const { render } = await owner.renders.claim(KEY, ORIGIN);
      assert.equal(await owner.renders.cancelMark(render), null, 'no order at first');
      const mark = { by: 'token nightly-scheduler', jobKey: 'job-1' };
      await reader.renders.markCancelled(render, mark);
      assert.deepEqual(await owner.renders.cancelMark(render), mark);
      await reader.renders.markCancelled(render, null);
      assert.equal(await owner.renders.cancelMark(render), null, 'a rejected order is removed');

      await reader.renders.markCancelled(render, mark);
      const finishedAt = new Date('2026-12-04T15:11:00.000Z');
      await owner.renders.finish(render, {
        state: 'cancelled', finishedAt, reason: null, cancelledBy: mark.by,
      });
      const ended = await reader.renders.read(render, 0);
      assert.equal(ended?.state, 'cancelled');
      assert.equal(ended?.cancelledBy, 'token nightly-scheduler');
      assert.equal(ended?.reason, null);
      await reader.renders.markCancelled(render, { by: 'user bob', jobKey: 'job-1' });
      assert.equal((await reader.renders.read(render, 0))?.cancelledBy, 'token nightly-scheduler',
        'an ended render keeps its end');
    });

    it('keeps the unknown state and requester', async () => {
      const [owner, reader] = [await subject.replica(), await subject.replica()];
      const { render } = await owner.renders.claim(KEY, ORIGIN);
      assert.equal((await reader.renders.current(KEY))?.requester, 'alice');
      await owner.renders.finish(render, {
        state: 'unknown', finishedAt: new Date(), reason: 'Connect lost the task.', cancelledBy: null,
      });
      const ended = await reader.renders.read(render, 0);
      assert.equal(ended?.state, 'unknown');
      assert.equal(ended?.reason, 'Connect lost the task.');
      assert.equal(ended?.cancelledBy, null);
    });

    it('stores what the exposure shows', async () => {
      const state = await subject.replica();
      const lines = Array.from({ length: ERROR_TAIL_LINES + 5 }, (_, index) => `line ${index}`);
      for (const exposure of ['none', 'errors'] as const) {
        const { render } = await state.renders.claim(KEY, ORIGIN);
        await state.renders.appendOutput(render, lines, exposure);
        await state.renders.finish(render, { state: 'failed', finishedAt: new Date(), reason: 'x', cancelledBy: null });
        const read = await state.renders.read(render, 0);
        assert.equal(read?.lineCount, lines.length, exposure);
        assert.deepEqual(read?.lines, [], exposure);
        const tail = exposure === 'none' ? [] : lines.slice(-ERROR_TAIL_LINES);
        assert.deepEqual(read?.tail, tail, exposure);
      }
    });

    it('caps the stored lines', async () => {
      const state = await subject.replica();
      const { render } = await state.renders.claim(KEY, ORIGIN);
      const total = MAX_STORED_LINES + 20;
      const lines = Array.from({ length: total }, (_, index) => `line ${index}`);
      for (let start = 0; start < total; start += 700) {
        await state.renders.appendOutput(render, lines.slice(start, start + 700), 'full');
      }
      await state.renders.finish(render, { state: 'succeeded', finishedAt: new Date(), reason: null, cancelledBy: null });
      const read = await readAll(state, render);
      assert.equal(read.lineCount, total);
      assert.equal(read.lines.length, MAX_STORED_LINES);
      assert.equal(read.lines.at(-1), `line ${MAX_STORED_LINES - 1}`);
      assert.deepEqual(read.tail, lines.slice(-ERROR_TAIL_LINES));
    });

    it('renews and takes back a claim', async () => {
      const [owner, other] = [await subject.replica(), await subject.replica()];
      const { render } = await owner.renders.claim(KEY, ORIGIN);
      assert.equal(await owner.renders.renew(render), 'renewed');

      await subject.expireClaim(KEY);
      assert.equal(await other.renders.current(KEY), undefined);
      assert.equal(await owner.renders.renew(render), 'reclaimed');
      assert.deepEqual(await other.renders.current(KEY), render);

      await subject.expireClaim(KEY);
      const taken = await other.renders.claim(KEY, ORIGIN);
      assert.equal(taken.claimed, true);
      assert.equal(await owner.renders.renew(render), 'lost');
      await other.renders.finish(taken.render, { state: 'succeeded', finishedAt: new Date(), reason: null, cancelledBy: null });
      assert.equal(await other.renders.renew(taken.render), 'lost', 'an ended render');
      await owner.renders.abandon(render);
    });

    it('abandons a render', async () => {
      const [owner, reader] = [await subject.replica(), await subject.replica()];
      const { render } = await owner.renders.claim(KEY, ORIGIN);
      await owner.renders.abandon(render);
      assert.equal(await reader.renders.current(KEY), undefined);
      assert.equal(await reader.renders.read(render, 0), undefined);
      assert.equal(await reader.renders.newestSince(KEY, new Date(0)), undefined);
    });

    it('keeps the newest success', async () => {
      const [a, b] = [await subject.replica(), await subject.replica()];
      const newer = new Date('2026-12-04T15:11:00.000Z');
      const older = new Date('2026-12-04T15:05:00.000Z');
      assert.equal(await b.cooldowns.lastSuccess(OTHER_KEY), null);
      await a.cooldowns.recordSuccess(OTHER_KEY, newer, 60_000);
      await a.cooldowns.recordSuccess(OTHER_KEY, older, 60_000);
      assert.equal((await b.cooldowns.lastSuccess(OTHER_KEY))?.toISOString(), newer.toISOString());
      await a.cooldowns.recordSuccess(KEY, newer, 0);
      assert.equal(await b.cooldowns.lastSuccess(KEY), null, 'no cooldown, nothing kept');
    });

    it('shares rate limits', async () => {
      const [a, b] = [await subject.replica(), await subject.replica()];
      const client = `user carol ${name}`;
      assert.equal(await a.rateLimits.take('refresh', client, 2), 0);
      assert.equal(await b.rateLimits.take('refresh', client, 2), 0);
      const wait = await a.rateLimits.take('refresh', client, 2);
      // A token returns every 30 s, so the wait is 30 s less the time since the first take.
      assert.ok(wait >= 29, `wait ${wait}`);
      assert.ok(wait <= 30, `wait ${wait}`);
      assert.equal(await b.rateLimits.take('read', client, 2), 0, 'reads count apart');
      assert.equal(await b.rateLimits.take('refresh', 'user dave', 2), 0, 'clients count apart');
    });
  });
}

contract('memory', async () => {
  // One MemoryState is one replica, so both "replicas" are the same object here.
  let nowMs = Date.now();
  const state = new MemoryState({ claimTtlMs: CLAIM_TTL_MS, now: () => nowMs });
  return {
    replica: async () => state,
    async expireClaim() {
      // Claims of every key expire; the renders' state lives on, as in Redis.
      nowMs += CLAIM_TTL_MS;
      for (const render of [await state.renders.current(KEY)]) {
        if (render !== undefined) throw new Error('the claim did not expire');
      }
    },
    close: async () => {},
  };
});

contract('Redis', async () => {
  const server = await startRedisServer();
  const states: SharedState[] = [];
  const config = parseGatewayConfig({
    redis: { url: server.url, claim_ttl_ms: CLAIM_TTL_MS },
    reports: { sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' } },
  }).redis!;
  const admin = server.client();
  return {
    async replica() {
      const { logger } = recordingLogger();
      const state = await RedisState.open(config, {}, logger);
      states.push(state);
      return state;
    },
    async expireClaim(key: string) {
      await admin.del(`${config.key_prefix}claim:${key}`);
    },
    async close() {
      await Promise.all(states.map((state) => state.close()));
      await server.close();
    },
  };
});

describe('Redis claim keys', () => {
  let server: RedisServer;

  before(async () => {
    server = await startRedisServer();
  });

  after(async () => {
    await server.close();
  });

  it('sets and renews the claim lifetime', async () => {
    const config = parseGatewayConfig({
      redis: { url: server.url, key_prefix: 'ttl:', claim_ttl_ms: 60_000 },
      reports: { sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' } },
    }).redis!;
    const { logger } = recordingLogger();
    const state = await RedisState.open(config, {}, logger);
    const admin = server.client();
    try {
      const { render } = await state.renders.claim(KEY, ORIGIN);
      const claimKey = `ttl:claim:${KEY}`;
      const ttl = await admin.pttl(claimKey);
      assert.ok(ttl > 50_000, `claim lifetime ${ttl} ms`);
      assert.ok(ttl <= 60_000, `claim lifetime ${ttl} ms`);
      await admin.pexpire(claimKey, 5_000);
      await admin.pexpire(`ttl:state:${render.id}`, 5_000);
      assert.equal(await state.renders.renew(render), 'renewed');
      assert.ok((await admin.pttl(claimKey)) > 50_000, 'the claim lifetime starts again');
      assert.ok((await admin.pttl(`ttl:state:${render.id}`)) > 50_000, 'so does the state');
      await state.renders.finish(render, { state: 'succeeded', finishedAt: new Date(), reason: null, cancelledBy: null });
      assert.equal(await admin.exists(claimKey), 0);
      const kept = await admin.pttl(`ttl:state:${render.id}`);
      assert.ok(kept > 9 * 60_000, `state kept ${kept} ms after the end`);
      assert.ok(kept <= 10 * 60_000, `state kept ${kept} ms after the end`);
    } finally {
      await state.close();
    }
  });

  it('keeps key prefixes apart', async () => {
    const { logger } = recordingLogger();
    const states = await Promise.all(['site-a:', 'site-b:'].map((key_prefix) => {
      const config = parseGatewayConfig({
        redis: { url: server.url, key_prefix },
        reports: { sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' } },
      }).redis!;
      return RedisState.open(config, {}, logger);
    }));
    try {
      assert.equal((await states[0]!.renders.claim(KEY, ORIGIN)).claimed, true);
      assert.equal((await states[1]!.renders.claim(KEY, ORIGIN)).claimed, true);
    } finally {
      await Promise.all(states.map((state) => state.close()));
    }
  });
});
