import { readFile } from 'node:fs/promises';
import { importSPKI } from 'jose';
import type { JwtConfig } from '../config.js';
import { GatewayConfigError } from '../errors.js';

/** Shortest HS256 secret accepted, in bytes: the size of the SHA-256 output (RFC 7518 3.2). */
export const MIN_JWT_SECRET_BYTES = 32;

/** The key that verifies signed user tokens: a shared secret or a public key. */
export type JwtKey = Uint8Array | CryptoKey;

type KeyResult = { key: JwtKey; problem?: undefined } | { key?: undefined; problem: string };

/**
 * Loads the verification key of the JWT settings: the HS256 secret from `env`, or the
 * RS256/ES256 public key from its file. Throws a GatewayConfigError that states what to fix.
 * The message never contains the secret.
 */
export async function loadJwtKey(jwt: JwtConfig, env: NodeJS.ProcessEnv): Promise<JwtKey> {
  const result = await readKey(jwt, env);
  if (result.key === undefined) {
    throw new GatewayConfigError('Invalid key for signed user tokens:', [result.problem]);
  }
  return result.key;
}

/** Returns the problems `loadJwtKey` would report, as config problems with their path. */
export async function jwtKeyProblems(jwt: JwtConfig, env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await readKey(jwt, env);
  return result.problem === undefined ? [] : [result.problem];
}

/**
 * Returns the HS256 secret that `env` contains for the JWT settings, for redaction, or null when
 * the settings use a public key or the variable is unset.
 */
export function sharedJwtSecret(jwt: JwtConfig | null, env: NodeJS.ProcessEnv): string | null {
  if (jwt === null || jwt.algorithm !== 'HS256' || jwt.secret_env === null) {
    return null;
  }
  const secret = env[jwt.secret_env];
  return secret === undefined || secret === '' ? null : secret;
}

function readKey(jwt: JwtConfig, env: NodeJS.ProcessEnv): Promise<KeyResult> {
  if (jwt.algorithm === 'HS256') {
    return Promise.resolve(readSecret(jwt.secret_env, env));
  }
  return readPublicKey(jwt.public_key_file, jwt.algorithm);
}

function readSecret(variable: string | null, env: NodeJS.ProcessEnv): KeyResult {
  if (variable === null) {
    return { problem: 'auth.jwt.secret_env: missing; algorithm HS256 needs secret_env' };
  }
  const secret = env[variable] ?? '';
  if (secret === '') {
    return {
      problem: `auth.jwt.secret_env: environment variable ${variable} is not set; set it to ` +
        `the secret shared with the application that signs the tokens, at least ` +
        `${MIN_JWT_SECRET_BYTES} bytes`,
    };
  }
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_JWT_SECRET_BYTES) {
    return {
      problem: `auth.jwt.secret_env: environment variable ${variable} holds ${bytes.length} ` +
        `bytes; an HS256 secret needs at least ${MIN_JWT_SECRET_BYTES}, such as the output of ` +
        '`openssl rand -base64 48`',
    };
  }
  return { key: bytes };
}

async function readPublicKey(path: string | null, algorithm: string): Promise<KeyResult> {
  if (path === null) {
    return { problem: `auth.jwt.public_key_file: missing; algorithm ${algorithm} needs it` };
  }
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      problem: `auth.jwt.public_key_file: cannot read ${path} (${code}); check the path, ` +
        'which is relative to the config file',
    };
  }
  try {
    return { key: await importSPKI(pem, algorithm) };
  } catch (error) {
    return {
      problem: `auth.jwt.public_key_file: ${path} does not hold an SPKI PEM public key ` +
        `("-----BEGIN PUBLIC KEY-----") for ${algorithm}: ${(error as Error).message}`,
    };
  }
}
