import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import {
  maskRedisUrl,
  parseRedisUrl,
  REDIS_PASSWORD_ENV,
  redisPassword,
} from '../../src/gateway/config-redis.js';
import { GatewayConfigError } from '../../src/gateway/errors.js';

const REPORTS = { sales: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' } };
const SECRET = 's3cret-redis-pass';

/** Returns the problems that parsing a config with this `redis` section reports. */
function problemsOf(redis: unknown): string[] {
  try {
    parseGatewayConfig({ reports: REPORTS, redis });
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError);
    return [...error.problems];
  }
  return [];
}

describe('redis config', () => {
  it('fills the defaults', () => {
    const config = parseGatewayConfig({ reports: REPORTS, redis: { url: 'redis://cache:6379/2' } });
    assert.deepEqual(config.redis, {
      url: 'redis://cache:6379/2',
      key_prefix: 'connect-refresh:',
      connect_timeout_ms: 2_000,
      command_timeout_ms: 1_000,
      claim_ttl_ms: 30_000,
    });
  });

  it('lists problems without the password', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ url: `http://:${SECRET}@cache` }, /^redis\.url: http:\/\/:\*\*\*@cache\/ has the scheme "http:"/],
      [{ url: `redis://:${SECRET}@cache/0?tls=1` }, /^redis\.url: .* has a query or fragment/],
      [{ url: 'redis://cache/sessions' }, /^redis\.url: .* may only be a database number$/],
      [{ url: 'unix://' }, /^redis\.url: .* names no socket/],
      [{ url: 'unix://localhost/run/redis.sock' }, /^redis\.url: .* names the host "localhost"; a unix:\/\/ URL names only a socket path/],
      [{ url: 'not a url' }, /^redis\.url: not a valid URL/],
      [{ url: `unix:///run/redis.sock?password=${SECRET}` }, /^redis\.url: unix:\/\/\/run\/redis\.sock\?\*\*\* has a query or fragment/],
      [{ url: `redis://cache/0#${SECRET}` }, /^redis\.url: redis:\/\/cache\/0#\*\*\* has a query or fragment/],
      [{ url: `unix://:${SECRET}@localhost/run/redis.sock` }, /^redis\.url: a unix:\/\/ URL cannot carry a user name or password/],
      [{ url: `unix://:${SECRET}@/run/redis.sock` }, /^redis\.url: a unix:\/\/ URL cannot carry a user name or password; .*CONNECT_REFRESH_REDIS_PASSWORD$/],
      [{ url: `redis://:${SECRET}%zz@127.0.0.1:6379` }, /^redis\.url: .*malformed percent-encoding/],
      [{ url: 42 }, /^redis\.url: expected a redis:\/\/, rediss:\/\/ or unix:\/\/ URL, got 42$/],
      [{ url: 'redis://cache', key_prefix: 'has space' }, /^redis\.key_prefix: expected up to 64/],
      [{ url: 'redis://cache', claim_ttl_ms: 500, command_timeout_ms: 100 }, /^redis\.claim_ttl_ms: expected a whole number of milliseconds, 1000 or more/],
      [
        { url: 'redis://cache', claim_ttl_ms: 2_000, command_timeout_ms: 1_000 },
        /^redis\.claim_ttl_ms: 2000 is less than 3 times command_timeout_ms \(1000\)/,
      ],
      [{}, /^redis\.url: missing/],
      [{ url: 'redis://cache', db: 1 }, /^redis\.db: unknown field/],
    ];
    for (const [redis, pattern] of cases) {
      const problems = problemsOf(redis);
      assert.equal(problems.length, 1, `${JSON.stringify(redis)}: ${problems.join('; ')}`);
      assert.match(problems[0]!, pattern);
      assert.ok(!problems[0]!.includes(SECRET), problems[0]);
    }
  });

  it('takes URLs apart', () => {
    assert.deepEqual(parseRedisUrl('rediss://user:p%40ss@[::1]:6380/3'), {
      host: '::1',
      port: 6380,
      path: null,
      tls: true,
      db: 3,
      username: 'user',
      password: 'p@ss',
    });
    assert.deepEqual(parseRedisUrl('unix:///run/redis/redis.sock'), {
      host: null,
      port: 0,
      path: '/run/redis/redis.sock',
      tls: false,
      db: 0,
      username: null,
      password: null,
    });
    assert.equal(maskRedisUrl(`redis://:${SECRET}@cache:6379/0`), 'redis://:***@cache:6379/0');
    assert.equal(maskRedisUrl('redis://cache:6379/0'), 'redis://cache:6379/0');
  });

  it('reads the password from one place', () => {
    const withUrlPassword = parseGatewayConfig({
      reports: REPORTS,
      redis: { url: `redis://:${SECRET}@cache` },
    }).redis!;
    const plain = parseGatewayConfig({ reports: REPORTS, redis: { url: 'redis://cache' } }).redis!;
    assert.equal(redisPassword(withUrlPassword, {}), SECRET);
    assert.equal(redisPassword(plain, { [REDIS_PASSWORD_ENV]: SECRET }), SECRET);
    assert.equal(redisPassword(plain, { [REDIS_PASSWORD_ENV]: '' }), null);
    assert.equal(redisPassword(plain, {}), null);
    assert.throws(
      () => redisPassword(withUrlPassword, { [REDIS_PASSWORD_ENV]: 'other' }),
      (error: unknown) => {
        assert.ok(error instanceof GatewayConfigError);
        assert.match(error.message, /contains a password, and CONNECT_REFRESH_REDIS_PASSWORD is set too/);
        assert.ok(!error.message.includes(SECRET));
        return true;
      },
    );
  });
});
