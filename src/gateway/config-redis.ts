/**
 * The `redis` section of the gateway config: where replicas keep their shared state. A
 * password may come from the URL or, preferably, from REDIS_PASSWORD_ENV. Problems and log
 * lines show the URL with its password replaced, never the password itself.
 */
import { GatewayConfigError } from './errors.js';
/** Environment variable with the Redis password; it keeps the password out of the config file. */
export const REDIS_PASSWORD_ENV = 'CONNECT_REFRESH_REDIS_PASSWORD';

/** Redis settings, with defaults filled in. */
export interface RedisConfig {
  /** `redis://[user[:password]@]host[:port][/db]`, `rediss://…` (TLS) or `unix:///path`. */
  url: string;
  /** Text in front of every key the gateway writes, so several sites can share one Redis. */
  key_prefix: string;
  /** Maximum time in ms to open a connection to Redis. */
  connect_timeout_ms: number;
  /** Maximum time in ms that one Redis command may take before it counts as failed. */
  command_timeout_ms: number;
  /**
   * Lifetime in ms of a replica's claim on a render. The replica renews it every third of
   * this while it follows the render, so a claim outlives a replica that died by at most this.
   */
  claim_ttl_ms: number;
}

export const DEFAULT_REDIS_SETTINGS = {
  key_prefix: 'connect-refresh:',
  connect_timeout_ms: 2_000,
  command_timeout_ms: 1_000,
  claim_ttl_ms: 30_000,
} as const;

/** Claim lifetime of a gateway without Redis, where only a stalled follower lets one lapse. */
export const MEMORY_CLAIM_TTL_MS = DEFAULT_REDIS_SETTINGS.claim_ttl_ms;

const KEY_PREFIX_SOURCE = '^[!-~]{0,64}$';

const milliseconds = (minimum: number) => ({
  type: 'integer',
  minimum,
  expected: `a whole number of milliseconds, ${minimum} or more`,
});

/** JSON Schema of the `redis` section. */
export const REDIS_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  expected: 'an object such as {"url": "redis://redis.internal:6379/0"}',
  properties: {
    // Concealed, because a URL may carry a password; the URL checks show it masked.
    url: { type: 'string', minLength: 1, conceal: true, expected: 'a redis://, rediss:// or unix:// URL' },
    key_prefix: {
      type: 'string',
      pattern: KEY_PREFIX_SOURCE,
      expected: 'up to 64 printable ASCII characters without spaces, such as "connect-refresh:"',
    },
    connect_timeout_ms: milliseconds(1),
    command_timeout_ms: milliseconds(1),
    claim_ttl_ms: milliseconds(1_000),
  },
};

/** The Redis address, parsed from the URL. */
export interface RedisAddress {
  /** TCP host and port, or null for a Unix socket. */
  host: string | null;
  port: number;
  /** Unix socket path, or null for TCP. */
  path: string | null;
  tls: boolean;
  db: number;
  username: string | null;
  /** Password from the URL, or null. */
  password: string | null;
}

/** Returns the problems of the URL, each starting with `redis.url`; the password stays hidden. */
export function redisUrlProblems(url: string): string[] {
  const parsed = parseRedisUrl(url);
  return 'problem' in parsed ? [`redis.url: ${parsed.problem}`] : [];
}

/** Returns the problems of the `redis` section that its schema cannot express. */
export function redisProblems(redis: unknown): string[] {
  if (typeof redis !== 'object' || redis === null) {
    return [];
  }
  const section = redis as Record<string, unknown>;
  const problems = typeof section.url === 'string' ? redisUrlProblems(section.url) : [];
  const claimTtl = section.claim_ttl_ms ?? DEFAULT_REDIS_SETTINGS.claim_ttl_ms;
  const commandTimeout = section.command_timeout_ms ?? DEFAULT_REDIS_SETTINGS.command_timeout_ms;
  if (typeof claimTtl === 'number' && typeof commandTimeout === 'number' &&
    claimTtl < 3 * commandTimeout) {
    problems.push(
      `redis.claim_ttl_ms: ${claimTtl} is less than 3 times ` +
        `command_timeout_ms (${commandTimeout}), so a claim could expire while its renewal ` +
        'waits for Redis; raise claim_ttl_ms or lower command_timeout_ms',
    );
  }
  return problems;
}

const UNIX_CREDENTIALS_PROBLEM = 'a unix:// URL cannot carry a user name or password; write ' +
  `unix:///path and set the password in ${REDIS_PASSWORD_ENV}`;

/** Takes a Redis URL apart; the problem, if any, never contains the password. */
export function parseRedisUrl(url: string): RedisAddress | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    if (/^unix:\/\/[^/]*@/i.test(url)) {
      return { problem: UNIX_CREDENTIALS_PROBLEM };
    }
    return { problem: 'not a valid URL; use redis://host:6379/0, rediss://… or unix:///path' };
  }
  const maskedUrl = maskRedisUrl(url);
  const username = decodePart(parsed.username);
  const password = decodePart(parsed.password);
  const path = decodePart(parsed.pathname);
  if (username === undefined || password === undefined || path === undefined) {
    return {
      problem: `${maskedUrl} has a malformed percent-encoding (a "%" not followed by two hex ` +
        `digits); write "%25" for a literal "%", or set the password in ${REDIS_PASSWORD_ENV}`,
    };
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return { problem: `${maskedUrl} has a query or fragment, which the gateway does not read; remove it` };
  }

  if (parsed.protocol === 'unix:') {
    if (parsed.username !== '' || parsed.password !== '') {
      return { problem: UNIX_CREDENTIALS_PROBLEM };
    }
    if (parsed.host !== '') {
      return {
        problem: `${maskedUrl} names the host "${parsed.host}"; a unix:// URL names only a ` +
          'socket path, with three slashes, as in unix:///run/redis/redis.sock',
      };
    }
    if (parsed.pathname === '' || parsed.pathname === '/') {
      return { problem: `${maskedUrl} names no socket; write unix:///run/redis/redis.sock` };
    }
    return { host: null, port: 0, path: path ?? '', tls: false, db: 0, username, password };
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return { problem: `${maskedUrl} has the scheme "${parsed.protocol}"; use redis, rediss or unix` };
  }
  if (parsed.hostname === '') {
    return { problem: `${maskedUrl} names no host` };
  }
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) {
    return { problem: `${maskedUrl} has the path "/${dbText}"; the path may only be a database number` };
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    path: null,
    tls: parsed.protocol === 'rediss:',
    db: dbText === '' ? 0 : Number(dbText),
    username,
    password,
  };
}

/**
 * Returns the Redis password: REDIS_PASSWORD_ENV when set and not empty, else the one in the
 * URL, else null. Throws a GatewayConfigError when both are set, because one would be ignored.
 */
export function redisPassword(config: RedisConfig, env: NodeJS.ProcessEnv): string | null {
  const fromEnv = env[REDIS_PASSWORD_ENV];
  const address = parseRedisUrl(config.url);
  const fromUrl = 'problem' in address ? null : address.password;
  if (fromEnv !== undefined && fromEnv !== '' && fromUrl !== null) {
    throw new GatewayConfigError('Invalid Redis settings:', [
      `redis.url: contains a password, and ${REDIS_PASSWORD_ENV} is set too; remove the ` +
        `password from the URL and keep it in ${REDIS_PASSWORD_ENV} only`,
    ]);
  }
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromUrl;
}

/**
 * Returns the URL with its password, query and fragment, if any, each replaced by `***`, for log
 * lines and problems.
 */
export function maskRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(an invalid URL, not shown)';
  }
  if (parsed.password !== '') {
    parsed.password = '***';
  }
  // A query or fragment may carry a password too, as in ?password=… of other Redis clients.
  if (parsed.search !== '') {
    parsed.search = '***';
  }
  if (parsed.hash !== '') {
    parsed.hash = '***';
  }
  return parsed.toString();
}

/** Fills in the defaults of a `redis` section that the schema accepted. */
export function normalizeRedis(raw: Partial<RedisConfig> & Pick<RedisConfig, 'url'>): RedisConfig {
  return { ...DEFAULT_REDIS_SETTINGS, ...raw };
}

/** Decodes one part of a URL: null when empty, undefined when its percent-encoding is broken. */
function decodePart(part: string): string | null | undefined {
  if (part === '') {
    return null;
  }
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
