/**
 * Credentials for gateway tests: an RS256 key pair whose public key lives in a temporary
 * file, signed user tokens, bearer tokens with their digests, and a config builder.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { parseGatewayConfig, type GatewayConfig } from '../../src/gateway/config.js';
import { GATEWAY_CONFIG } from './harness.js';

export const ISSUER = 'shiny-app';
export const AUDIENCE = 'connect-refresh';
export const SCHEDULER_TOKEN = 'nightly-scheduler-token-6c0f3a91d2e8';
export const OTHER_TOKEN = 'backup-job-token-0b5e17c4a9';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Bearer tokens in the config format, for SCHEDULER_TOKEN and OTHER_TOKEN. */
export const BEARER_TOKENS = [
  { name: 'nightly-scheduler', sha256: sha256(SCHEDULER_TOKEN) },
  { name: 'backup-job', sha256: sha256(OTHER_TOKEN) },
];

export interface SigningKeys {
  /** Directory of the public key file, the base of relative paths in configs. */
  dir: string;
  /** Signs a user token valid for five minutes, with `claims` added or overriding. */
  sign(claims?: JWTPayload): Promise<string>;
  /** Builds a config with the test reports, RS256 tokens of this key, and `overrides`. */
  config(overrides?: { auth?: object; cors?: object; rate_limit?: object; reports?: object }):
    GatewayConfig;
  remove(): Promise<void>;
}

/** Creates an RS256 key pair and writes its public key to a temporary directory. */
export async function createSigningKeys(): Promise<SigningKeys> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = await mkdtemp(join(tmpdir(), 'gateway-keys-'));
  await writeFile(join(dir, 'jwt.pem'), publicKey.export({ type: 'spki', format: 'pem' }));

  return {
    dir,
    sign: (claims = {}) => signToken(privateKey, claims),
    config(overrides = {}) {
      const { auth = {}, reports = {}, ...rest } = overrides;
      return parseGatewayConfig(
        {
          rate_limit: GATEWAY_CONFIG.rate_limit,
          ...rest,
          auth: {
            bearer_tokens: BEARER_TOKENS,
            jwt: {
              algorithm: 'RS256',
              public_key_file: 'jwt.pem',
              issuer: ISSUER,
              audience: AUDIENCE,
            },
            ...auth,
          },
          reports: { ...harnessReports(), ...reports },
        },
        { baseDir: dir },
      );
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function signToken(key: KeyObject, claims: JWTPayload): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256' })
    .sign(key);
}

/** Returns the harness's reports in the config file format. */
function harnessReports(): Record<string, object> {
  return Object.fromEntries(
    Object.entries(GATEWAY_CONFIG.reports).map(([name, report]) => [
      name,
      { guid: report.guid, log: report.log },
    ]),
  );
}

/** Request headers that carry a bearer credential. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Request headers of a refresh: JSON content type and any extra headers. */
export function refreshInit(headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  };
}
