import type { FastifyBaseLogger } from 'fastify';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config-redis.js';
import { maskRedisUrl, parseRedisUrl, REDIS_PASSWORD_ENV, redisPassword } from '../config-redis.js';
import { GatewayConfigError } from '../errors.js';
import { REDIS_SCRIPTS } from './redis-scripts.js';

/** Maximum pause between two reconnection attempts, in ms. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** The client and what log lines and messages may show of its address. */
export interface RedisConnection {
  redis: Redis;
  /** The URL with its password masked. */
  description: string;
  /** The password, so that messages can be checked for it; null without one. */
  password: string | null;
  /**
   * Message of the latest connection error, password masked, until the connection is ready
   * again; null while it is ready or before the first error.
   */
  lastError: string | null;
}

/**
 * Creates the Redis client of a gateway, with the password of `redisPassword`. Commands fail at once
 * while the connection is down, instead of waiting in a queue, so refreshes get their 503
 * without delay. The client reconnects in the background, and connection changes are logged
 * once per change.
 */
export function createRedisConnection(
  config: RedisConfig,
  env: NodeJS.ProcessEnv,
  logger: FastifyBaseLogger,
): RedisConnection {
  const address = parseRedisUrl(config.url);
  if ('problem' in address) {
    throw new GatewayConfigError('Invalid Redis settings:', [`redis.url: ${address.problem}`]);
  }
  const password = redisPassword(config, env);
  const description = maskRedisUrl(config.url);

  const options: RedisOptions = {
    ...(address.path === null
      ? { host: address.host ?? undefined, port: address.port }
      : { path: address.path }),
    ...(address.tls ? { tls: { servername: address.host ?? undefined } } : {}),
    db: address.db,
    username: address.username ?? undefined,
    password: password ?? undefined,
    connectionName: 'connect-refresh-gateway',
    connectTimeout: config.connect_timeout_ms,
    commandTimeout: config.command_timeout_ms,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
    scripts: REDIS_SCRIPTS,
  };
  const redis = new Redis(options);
  const connection: RedisConnection = { redis, description, password, lastError: null };
  followConnectionChanges(connection, logger);
  return connection;
}

/**
 * Returns why commands fail while the connection is down: the latest connection error, with a
 * hint when Redis rejected the password. Without one, it returns `fallback`, the command's own
 * error.
 */
export function connectionProblem(connection: RedisConnection, fallback: string): string {
  if (connection.redis.status === 'ready' || connection.lastError === null) {
    return fallback;
  }
  return withPasswordHint(`not connected (${connection.lastError})`);
}

/** Adds a hint to check the password to a message about Redis rejecting it. */
function withPasswordHint(message: string): string {
  if (/\b(WRONGPASS|NOAUTH)\b/.test(message)) {
    // Redis's own message ends with a period, which goes before the hint's semicolon.
    const trimmed = message.replace(/\.(\)?)$/, '$1');
    return `${trimmed}; check the password in ${REDIS_PASSWORD_ENV} or in redis.url`;
  }
  return message;
}

/**
 * Keeps the connection's `lastError`, and logs when the connection becomes ready and when it
 * fails, once per change: the errors of the reconnection attempts in between are counted and
 * reported with the next ready line.
 */
function followConnectionChanges(connection: RedisConnection, logger: FastifyBaseLogger): void {
  const { redis, description, password } = connection;
  let failing = false;
  let failedAttempts = 0;
  /** Reason of the last failure logged, so that a different one is logged too. */
  let loggedReason: string | null = null;
  redis.on('ready', () => {
    logger.info({ redis: description, failedAttempts }, 'Connected to Redis');
    connection.lastError = null;
    failing = false;
    failedAttempts = 0;
    loggedReason = null;
  });
  redis.on('error', (error: Error) => {
    failedAttempts += 1;
    connection.lastError = redactPassword(error.message, password);
    const reason = withPasswordHint(connection.lastError);
    if (failing && reason === loggedReason) {
      return;
    }
    failing = true;
    loggedReason = reason;
    logger.warn(
      { redis: description, reason },
      'Redis connection failed; refreshes get 503 until it is back, and reads go on',
    );
  });
  redis.on('close', () => {
    if (!failing && redis.status !== 'end') {
      failing = true;
      logger.warn({ redis: description }, 'Redis connection closed; reconnecting');
    }
  });
}

/** Replaces the password, if it appears in a message, with `***`. */
export function redactPassword(message: string, password: string | null): string {
  if (password === null || password === '') {
    return message;
  }
  return message.split(password).join('***');
}

/** Resolves once the client is ready, or after `timeoutMs`, whichever comes first. */
export async function waitForReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') {
    return true;
  }
  return new Promise((resolve) => {
    const done = (ready: boolean) => () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      resolve(ready);
    };
    const onReady = done(true);
    const onError = done(false);
    const timer = setTimeout(onError, timeoutMs);
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}
