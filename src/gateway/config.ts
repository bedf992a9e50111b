import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { jwtKeyProblems } from './auth/jwt-key.js';
import { normalizeRedis, type RedisConfig } from './config-redis.js';
import { semanticProblems } from './config-checks.js';
import { REPORT_NAME_PATTERN, schemaProblems } from './config-schema.js';
import { GatewayConfigError } from './errors.js';

export { REPORT_NAME_PATTERN };
export type { RedisConfig };

/** The gateway's settings, with every default filled in. Field names follow the file. */
export interface GatewayConfig {
  auth: AuthConfig;
  cors: CorsConfig;
  rate_limit: RateLimitConfig;
  /** Reports the gateway may render, by the name the browser element uses. */
  reports: Record<string, ReportConfig>;
  /** Redis that replicas share their state through, or null for a single replica. */
  redis: RedisConfig | null;
}

/** Authentication modes of the gateway; several may be configured at once. */
export interface AuthConfig {
  /**
   * Whether requests without credentials are admitted. Null when the file does not set it.
   * Then they are admitted, and the gateway starts only on a loopback address.
   */
  anonymous: boolean | null;
  bearer_tokens: BearerTokenConfig[];
  jwt: JwtConfig | null;
  proxy: ProxyConfig | null;
}

/** A bearer token for a server-side caller, stored as the SHA-256 digest of the token. */
export interface BearerTokenConfig {
  name: string;
  /** Lower-case hex SHA-256 digest of the token. */
  sha256: string;
}

/** Signed user tokens (JWTs) minted by the host application, with one pinned algorithm. */
export interface JwtConfig {
  algorithm: 'HS256' | 'RS256' | 'ES256';
  /** HS256: name of the environment variable with the shared secret (at least 32 bytes). */
  secret_env: string | null;
  /** RS256 and ES256: absolute path of the SPKI PEM public key. */
  public_key_file: string | null;
  issuer: string | null;
  audience: string | null;
  /** Longest accepted token lifetime in seconds, `exp - iat` (or `exp - now` without iat). */
  max_lifetime_s: number;
}

/** Identity from headers that a reverse proxy sets after it signed the user in. */
export interface ProxyConfig {
  user_header: string;
  /** Header with comma-separated group names, or null. */
  groups_header: string | null;
  /** Addresses and CIDR blocks whose headers count; headers from others are ignored. */
  trusted_proxies: string[];
}

export interface CorsConfig {
  /** Origins that pages may call the gateway from, such as `https://dashboards.example.com`. */
  origins: string[];
  /** Whether browsers may send cookies and HTTP authentication along (default false). */
  credentials: boolean;
}

/** Requests per client and minute; a client is an identity, or an address when anonymous. */
export interface RateLimitConfig {
  refresh_per_minute: number;
  reads_per_minute: number;
}

/** Users, groups and bearer token names allowed an action on a report; one match suffices. */
export interface AccessList {
  users: string[];
  groups: string[];
  tokens: string[];
}

/** One report the gateway may render. */
export interface ReportConfig {
  /** GUID of the content item on Connect, in lower case. */
  guid: string;
  /** Log lines that progress responses expose: none, those of failed renders, or all. */
  log: 'none' | 'errors' | 'full';
  /** Regular expression sources; text they match is replaced in exposed log lines. */
  redact: string[];
  /** Seconds after the last successful render during which refreshes get 429 `cooldown`. */
  cooldown_s: number;
  /**
   * Seconds a render may run before progress responses mark it `stuck`, or null for no
   * limit. The render keeps running and keeps its single flight.
   */
  max_duration: number | null;
  /**
   * Key of the Connect variant that requests without a `variant` parameter render, or null for
   * the content's default variant on Connect.
   */
  variant: string | null;
  /** Further variant keys that requests may name with the `variant` parameter. */
  variants: string[];
  /** Identities allowed to refresh; null admits every identity the auth modes admit. */
  refresh: AccessList | null;
  /** Identities allowed to read status and render progress; null leaves reading open. */
  read: AccessList | null;
  /** Identities allowed to cancel a running render; null lets nobody cancel. */
  cancel: AccessList | null;
}

export const DEFAULT_JWT_MAX_LIFETIME_S = 3600;
export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  refresh_per_minute: 10,
  reads_per_minute: 600,
};

export interface ParseOptions {
  /** Directory that relative paths in the config, such as a public key file, start from. */
  baseDir?: string;
}

/**
 * Validates a parsed config file and returns the gateway config with defaults filled in, GUIDs
 * and digests in lower case and file paths absolute. Throws a GatewayConfigError that lists
 * every problem with its path. Key files and secrets are not read; `loadGatewayConfig` and
 * the gateway's start check those.
 */
export function parseGatewayConfig(json: unknown, options: ParseOptions = {}): GatewayConfig {
  const problems = configProblems(json);
  if (problems.length > 0) {
    throw configError(problems);
  }
  return normalize(json as RawConfig, options.baseDir ?? process.cwd());
}

/**
 * Reads and validates a JSON config file, and checks the JWT key it names. The public key
 * file must contain an SPKI PEM key of the algorithm. The HS256 secret variable must be set
 * in `env`, with at least 32 bytes. Relative paths start from the file's directory.
 */
export async function loadGatewayConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'the file does not exist'
      : String((error as Error).message);
    throw new GatewayConfigError(`Cannot read gateway config ${path}: ${reason}.`);
  }

  let json: unknown;
  try {
    // Editors on Windows may save JSON with a byte-order mark, which JSON.parse rejects.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (text.replace(/^\uFEFF/, '').trim() === '') {
      throw new GatewayConfigError(
        `Gateway config ${path} is empty; write a JSON object with a "reports" section.`,
      );
    }
    const place = jsonErrorPlace(text, error);
    throw new GatewayConfigError(
      `Gateway config ${path} is not valid JSON${place}; check the commas, quotes and ` +
        `brackets ${place === '' ? 'in it' : 'there'}, and that text values are in double quotes.`,
    );
  }

  const problems = configProblems(json);
  const baseDir = dirname(resolve(path));
  // The key is checked whenever its own section is valid, so that its problems are listed
  // together with those elsewhere in the file.
  if (!problems.some((problem) => problem.startsWith('auth.jwt'))) {
    const jwt = (json as RawConfig).auth?.jwt;
    if (jwt !== undefined) {
      problems.push(...(await jwtKeyProblems(normalizeJwt(jwt, baseDir), env)));
    }
  }
  if (problems.length > 0) {
    throw new GatewayConfigError(`Gateway config ${path} is invalid:`, problems);
  }
  return normalize(json as RawConfig, baseDir);
}

function configProblems(json: unknown): string[] {
  return [...schemaProblems(json), ...semanticProblems(json)];
}

function configError(problems: string[]): GatewayConfigError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new GatewayConfigError(`Invalid gateway config (${count}):`, problems);
}

/** The config file's shape once the schema accepted it. */
interface RawConfig {
  auth?: {
    anonymous?: boolean;
    bearer_tokens?: BearerTokenConfig[];
    jwt?: RawJwt;
    proxy?: Partial<ProxyConfig> & Pick<ProxyConfig, 'user_header' | 'trusted_proxies'>;
  };
  cors?: Partial<CorsConfig> & Pick<CorsConfig, 'origins'>;
  rate_limit?: Partial<RateLimitConfig>;
  reports: Record<string, RawReport>;
  redis?: Partial<RedisConfig> & Pick<RedisConfig, 'url'>;
}

type RawJwt = Partial<JwtConfig> & Pick<JwtConfig, 'algorithm'>;
type RawReport = Partial<Omit<ReportConfig, 'refresh' | 'read' | 'cancel' | 'variant'>> & {
  variant?: string;
  guid: string;
  refresh?: Partial<AccessList>;
  read?: Partial<AccessList>;
  cancel?: Partial<AccessList>;
};

function normalize(raw: RawConfig, baseDir: string): GatewayConfig {
  const auth = raw.auth ?? {};
  const reports: Record<string, ReportConfig> = {};
  for (const [name, report] of Object.entries(raw.reports)) {
    reports[name] = normalizeReport(report);
  }
  return {
    auth: {
      anonymous: auth.anonymous ?? null,
      bearer_tokens: (auth.bearer_tokens ?? []).map((token) => ({
        name: token.name,
        sha256: token.sha256.toLowerCase(),
      })),
      jwt: auth.jwt === undefined ? null : normalizeJwt(auth.jwt, baseDir),
      proxy: auth.proxy === undefined
        ? null
        : {
          user_header: auth.proxy.user_header,
          groups_header: auth.proxy.groups_header ?? null,
          trusted_proxies: [...auth.proxy.trusted_proxies],
        },
    },
    cors: { origins: [...(raw.cors?.origins ?? [])], credentials: raw.cors?.credentials ?? false },
    rate_limit: { ...DEFAULT_RATE_LIMIT, ...raw.rate_limit },
    reports,
    redis: raw.redis === undefined ? null : normalizeRedis(raw.redis),
  };
}

function normalizeJwt(jwt: RawJwt, baseDir: string): JwtConfig {
  return {
    algorithm: jwt.algorithm,
    secret_env: jwt.secret_env ?? null,
    public_key_file: jwt.public_key_file === undefined || jwt.public_key_file === null
      ? null
      : resolve(baseDir, jwt.public_key_file),
    issuer: jwt.issuer ?? null,
    audience: jwt.audience ?? null,
    max_lifetime_s: jwt.max_lifetime_s ?? DEFAULT_JWT_MAX_LIFETIME_S,
  };
}

function normalizeReport(report: RawReport): ReportConfig {
  return {
    guid: report.guid.toLowerCase(),
    log: report.log ?? 'none',
    redact: [...(report.redact ?? [])],
    cooldown_s: report.cooldown_s ?? 0,
    max_duration: report.max_duration ?? null,
    variant: report.variant ?? null,
    variants: [...(report.variants ?? [])],
    refresh: normalizeAccessList(report.refresh),
    read: normalizeAccessList(report.read),
    cancel: normalizeAccessList(report.cancel),
  };
}

function normalizeAccessList(list: Partial<AccessList> | undefined): AccessList | null {
  if (list === undefined) {
    return null;
  }
  return {
    users: [...(list.users ?? [])],
    groups: [...(list.groups ?? [])],
    tokens: [...(list.tokens ?? [])],
  };
}

/**
 * Returns where JSON.parse stopped, as " at line L, column C", or '' when its message gives no
 * position. The message itself is left out, because V8 quotes the text around some errors,
 * and that text may contain a password of `redis.url`.
 */
function jsonErrorPlace(text: string, error: unknown): string {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (position === null) {
    return '';
  }
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(position[1]));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}
