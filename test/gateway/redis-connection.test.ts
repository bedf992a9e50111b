import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_REDIS_SETTINGS } from '../../src/gateway/config-redis.js';
import { RedisCommands } from '../../src/gateway/shared-state/redis-commands.js';
import {
  createRedisConnection,
  waitForReady,
  type RedisConnection,
} from '../../src/gateway/shared-state/redis-connection.js';
import { SERVER_TEST_TIMEOUT_MS } from './harness.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { recordingLogger } from './registry-fakes.js';

const PASSWORD = 'redis-right-3f9a';
const WRONG_PASSWORD = 'redis-wrong-71c2';

const FAILED = 'Redis connection failed; refreshes get 503 until it is back, and reads go on';

function connect(server: RedisServer, password: string) {
  const { logger, lines } = recordingLogger();
  const connection = createRedisConnection(
    { ...DEFAULT_REDIS_SETTINGS, url: server.url, connect_timeout_ms: 1_000 },
    { CONNECT_REFRESH_REDIS_PASSWORD: password },
    logger,
  );
  const failures = () => lines.filter((line) => line.msg === FAILED).map((line) => String(line.reason));
  return { connection, failures };
}

async function pingProblem(connection: RedisConnection): Promise<string> {
  const commands = new RedisCommands(connection, 'test:');
  const error = await commands.run('ping', () => connection.redis.ping()).then(
    () => assert.fail('the ping succeeded'),
    (failure: Error) => failure,
  );
  return error.message;
}

describe('Redis connection errors', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let server: RedisServer;
  const connections: RedisConnection[] = [];

  before(async () => {
    server = await startRedisServer(PASSWORD);
  });

  after(async () => {
    for (const connection of connections) {
      connection.redis.disconnect();
    }
    await server.close();
  });

  it('names a rejected password', async () => {
    const { connection, failures } = connect(server, WRONG_PASSWORD);
    connections.push(connection);
    assert.equal(await waitForReady(connection.redis, 5_000), false);

    const message = await pingProblem(connection);
    assert.match(message, /failed the ping: not connected \(WRONGPASS /);
    assert.match(message, /check the password in CONNECT_REFRESH_REDIS_PASSWORD or in redis\.url$/);
    assert.ok(!message.includes(WRONG_PASSWORD), message);
    assert.ok(!message.includes(PASSWORD), message);

    const logged = failures();
    assert.equal(logged.length, 1, 'one line while the reason stays the same');
    assert.match(logged[0]!, /^WRONGPASS .*; check the password in CONNECT_REFRESH_REDIS_PASSWORD/);
    assert.doesNotMatch(logged[0]!, /\.;/, 'no period before the hint');
  });

  it('names a stopped server, then recovers', async () => {
    const { connection, failures } = connect(server, PASSWORD);
    connections.push(connection);
    assert.equal(await waitForReady(connection.redis, 5_000), true);
    assert.equal(connection.lastError, null);

    const failed = once(connection.redis, 'error');
    await server.stop();
    await failed;
    const message = await pingProblem(connection);
    assert.match(message, /failed the ping: not connected \(connect (ENOENT|ECONNREFUSED) /);
    assert.ok(!message.includes('check the password'), message);
    assert.match(failures().at(-1) ?? '', /connect (ENOENT|ECONNREFUSED) |Connection is closed/);

    const ready = once(connection.redis, 'ready');
    await server.start();
    await ready;
    assert.equal(connection.lastError, null);
    assert.equal(await connection.redis.ping(), 'PONG');
  });
});
