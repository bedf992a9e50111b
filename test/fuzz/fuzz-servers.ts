/**
 * The servers a fuzz run attacks, all on 127.0.0.1: a Connect stand-in in this process, whose
 * log counts every render it starts, and two gateways in child processes in front of it. One
 * requires credentials and keeps its shared state in a private redis-server with a password,
 * on a Unix socket. The other keeps its state in memory and leaves `auth.anonymous` unset, so
 * it admits anonymous requests but only under a loopback Host. Before the fuzzing, three
 * renders start, so that the fuzzer has real handles: one succeeds, one fails and one runs
 * until the end of the run.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { parseStandInConfig, startStandIn, type StandIn } from '../../src/stand-in/index.js';
import { startRedisServer, type RedisServer } from '../gateway/redis-server.js';
import { GatewayProcess } from './gateway-process.js';
import { BASE64URL_ALPHABET, Random } from './random.js';
import type { GatewayName } from './raw-request.js';

const fixturesDir = fileURLToPath(new URL('../gateway/fixtures/', import.meta.url));

export const SALES_GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
export const QUIET_GUID = '6a3b4c5d-0000-4000-8000-00000000cafe';
export const FORBIDDEN_GUID = '6a3b4c5d-0000-4000-8000-00000000f00d';
/** Content whose render hangs during the whole run, so that progress requests are held. */
export const RUNNING_GUID = '6a3b4c5d-0000-4000-8000-0000000000aa';
/** Configured report names; `sales-errors` shares the content of `sales`. */
export const REPORT_NAMES = ['sales', 'sales-errors', 'quiet', 'forbidden', 'running'] as const;
export const JWT_SECRET_ENV = 'FUZZ_JWT_SECRET';
export const JWT_ISSUER = 'fuzz-host-app';
export const JWT_AUDIENCE = 'connect-refresh';
export const BEARER_TOKEN_NAME = 'scheduler';
export const USER_HEADER = 'X-Remote-User';
export const GROUPS_HEADER = 'X-Remote-Groups';
export const ALLOWED_ORIGIN = 'https://dashboards.example.test';

/** Every secret of the run; none may appear in a response or a gateway log line. */
export interface FuzzSecrets {
  apiKey: string;
  handleSecret: string;
  jwtSecret: string;
  /** The bearer token named BEARER_TOKEN_NAME. */
  bearerToken: string;
  /** Password of the credentials gateway's Redis. */
  redisPassword: string;
}

/** Credentials that pass the gateways' checks. */
export interface ValidCredentials {
  bearerToken: string;
  /** Signed user tokens: one of a user in `analysts`, one of a user in `staff`. */
  jwts: string[];
}

export interface FuzzServers {
  secrets: FuzzSecrets;
  credentials: ValidCredentials;
  gateways: Record<GatewayName, GatewayProcess>;
  /** Handles of the setup renders: `sales` succeeded, `quiet` failed, `running` runs. */
  handles: string[];
  /** The handle of the `running` render, also in `handles`. */
  runningHandle: string;
  /** Number of renders the stand-in has started, the setup renders included. */
  readonly rendersStarted: number;
  /** Calls `listener` each time the stand-in starts a render. */
  onRenderStarted(listener: () => void): void;
  /** Stops the gateways and the stand-in; resolves with each gateway's exit. */
  close(): Promise<Record<GatewayName, GatewayProcess['exit']>>;
}

/** Derives the run's secrets from the seed, so that a replay sends the same bytes. */
export function fuzzSecrets(seed: number): FuzzSecrets {
  const random = new Random(seed ^ 0x5ec2e7);
  const secret = (length: number) => random.string(length, BASE64URL_ALPHABET);
  return {
    apiKey: secret(32),
    handleSecret: secret(48),
    jwtSecret: secret(48),
    bearerToken: secret(43),
    redisPassword: secret(32),
  };
}

export async function startFuzzServers(seed: number): Promise<FuzzServers> {
  const secrets = fuzzSecrets(seed);
  const workDir = await mkdtemp(join(tmpdir(), 'gateway-fuzz-'));
  const renderListeners: Array<() => void> = [];
  let rendersStarted = 0;
  const standInLog = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.includes('"render started"')) {
          rendersStarted += 1;
          renderListeners.forEach((listener) => listener());
        }
      }
      callback();
    },
  });

  let standIn: StandIn | undefined;
  let redis: RedisServer | undefined;
  const gateways: Partial<Record<GatewayName, GatewayProcess>> = {};
  try {
    redis = await startRedisServer(secrets.redisPassword);
    standIn = await startStandIn({
      config: parseStandInConfig(standInConfig(secrets.apiKey, workDir)),
      configDir: fixturesDir,
      host: '127.0.0.1',
      port: 0,
      logger: { level: 'info', stream: standInLog },
      faults: { hangingRenders: [RUNNING_GUID] },
    });
    const env = {
      CONNECT_SERVER: standIn.url,
      CONNECT_API_KEY: secrets.apiKey,
      CONNECT_REFRESH_HANDLE_SECRET: secrets.handleSecret,
      [JWT_SECRET_ENV]: secrets.jwtSecret,
      CONNECT_REFRESH_REDIS_PASSWORD: secrets.redisPassword,
    };
    const redisUrl = redis.url;
    const started = await Promise.all(
      (['credentials', 'loopback'] as const).map(async (name) => {
        const configFile = join(workDir, `gateway-${name}.json`);
        await writeFile(configFile, JSON.stringify(gatewayConfig(name, secrets, redisUrl)));
        return [name, await GatewayProcess.start({ configFile, env })] as const;
      }),
    );
    for (const [name, gateway] of started) {
      gateways[name] = gateway;
    }
  } catch (error) {
    await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
    await standIn?.close();
    await redis?.close();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }

  const all = gateways as Record<GatewayName, GatewayProcess>;
  const credentials: ValidCredentials = {
    bearerToken: secrets.bearerToken,
    jwts: [
      await signUserToken(secrets.jwtSecret, 'ana', ['analysts']),
      await signUserToken(secrets.jwtSecret, 'bo', ['staff']),
    ],
  };
  const closeAll = async () => {
    const exits = {
      credentials: await all.credentials.stop(),
      loopback: await all.loopback.stop(),
    };
    await standIn!.close();
    await redis!.close();
    await rm(workDir, { recursive: true, force: true });
    return exits;
  };

  let handles: string[];
  try {
    handles = await renderOnce(all.credentials.url, secrets, workDir);
    const sharedKeys = await redis!.client().keys('connect-refresh:*');
    if (sharedKeys.length === 0) {
      throw new Error('The credentials gateway rendered, but wrote no key to its Redis.');
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    secrets,
    credentials,
    gateways: all,
    handles,
    runningHandle: handles.at(-1)!,
    get rendersStarted() {
      return rendersStarted;
    },
    onRenderStarted: (listener) => renderListeners.push(listener),
    close: closeAll,
  };
}

function standInConfig(apiKey: string, controlDir: string) {
  const report = (guid: string, name: string) => ({
    guid,
    name,
    title: `Fuzz ${name}`,
    description: '',
    app_mode: 'rmd-static',
    access_type: 'acl',
    source: 'report',
    command: [process.execPath, 'render.mjs', join(controlDir, `${name}.json`)],
    permissions: { publisher: 'owner' },
  });
  return {
    users: [
      { username: 'publisher', api_key: apiKey, role: 'publisher' },
      { username: 'other', api_key: `other-${apiKey}`, role: 'publisher' },
    ],
    content: [
      report(SALES_GUID, 'sales'),
      report(QUIET_GUID, 'quiet'),
      report(RUNNING_GUID, 'running'),
      // The gateway's key may view this content but not render it.
      { ...report(FORBIDDEN_GUID, 'forbidden'), access_type: 'logged_in', permissions: { other: 'owner' } },
    ],
  };
}

/**
 * Returns a gateway config. Both gateways use every auth mode and trust 127.0.0.1 as a proxy,
 * so the fuzzer's proxy headers count. The rate limits are far above what a run sends, so
 * that requests reach the checks behind them. The credentials gateway uses the Redis at
 * `redisUrl`.
 */
function gatewayConfig(name: GatewayName, secrets: FuzzSecrets, redisUrl: string) {
  const sha256 = createHash('sha256').update(secrets.bearerToken).digest('hex');
  return {
    ...(name === 'credentials' ? { redis: { url: redisUrl } } : {}),
    auth: {
      ...(name === 'credentials' ? { anonymous: false } : {}),
      bearer_tokens: [{ name: BEARER_TOKEN_NAME, sha256 }],
      jwt: {
        algorithm: 'HS256',
        secret_env: JWT_SECRET_ENV,
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        max_lifetime_s: 3600,
      },
      proxy: {
        user_header: USER_HEADER,
        groups_header: GROUPS_HEADER,
        trusted_proxies: ['127.0.0.1'],
      },
    },
    cors: { origins: [ALLOWED_ORIGIN], credentials: true },
    rate_limit: { refresh_per_minute: 100_000_000, reads_per_minute: 100_000_000 },
    reports: {
      sales: {
        guid: SALES_GUID,
        log: 'full',
        redact: ['password=\\S+'],
        refresh: { users: ['ops'], groups: ['analysts'], tokens: [BEARER_TOKEN_NAME] },
        read: { groups: ['analysts', 'staff'], tokens: [BEARER_TOKEN_NAME] },
      },
      'sales-errors': { guid: SALES_GUID, log: 'errors' },
      quiet: { guid: QUIET_GUID, log: 'none' },
      running: { guid: RUNNING_GUID, log: 'full' },
      forbidden: { guid: FORBIDDEN_GUID, log: 'full' },
    },
  };
}

export async function signUserToken(secret: string, user: string, groups: string[]): Promise<string> {
  return new SignJWT({ groups })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(Buffer.from(secret, 'utf8'));
}

/**
 * Renders `sales` to success and `quiet` to failure through the gateway, with log lines that
 * print secrets, and starts the render of `running`, which hangs. Returns the three handles.
 * Throws when a step gets an unexpected status.
 */
async function renderOnce(gatewayUrl: string, secrets: FuzzSecrets, controlDir: string): Promise<string[]> {
  const headers = { authorization: `Bearer ${secrets.bearerToken}` };
  const outcomes: Array<[string, string[], number]> = [
    ['sales', [`CONNECT_API_KEY=${secrets.apiKey}`, `password=${secrets.jwtSecret}`, 'Output created: index.html'], 0],
    ['quiet', [`handle secret ${secrets.handleSecret}`, `Bearer ${secrets.bearerToken}`, 'Error: render failed'], 1],
  ];
  const refresh = async (name: string) => {
    const started = await fetch(`${gatewayUrl}/v1/reports/${name}/refresh`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    const accepted = (await started.json()) as { handle?: string };
    if (started.status !== 202 || accepted.handle === undefined) {
      throw new Error(`The setup refresh of ${name} got ${started.status}, not 202.`);
    }
    return accepted.handle;
  };
  const handles: string[] = [];
  for (const [name, lines, exitCode] of outcomes) {
    const handle = await refresh(name);
    const controlFile = join(controlDir, `${name}.json`);
    await writeFile(`${controlFile}.tmp`, JSON.stringify({ lines, exitCode }));
    await rename(`${controlFile}.tmp`, controlFile);
    for (;;) {
      const progress = await fetch(`${gatewayUrl}/v1/renders/${handle}?wait=30`, { headers });
      const body = (await progress.json()) as { state?: string };
      if (progress.status !== 200) {
        throw new Error(`Following the setup render of ${name} got ${progress.status}, not 200.`);
      }
      if (body.state !== 'running') {
        break;
      }
    }
    handles.push(handle);
  }
  handles.push(await refresh('running'));
  return handles;
}
