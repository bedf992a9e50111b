/**
 * Credentials for fuzzed requests. Valid ones let requests reach the checks behind
 * authentication. Forged ones are bearer tokens off by a character, other schemes, signed user
 * tokens with wrong signatures, forbidden algorithms or bad claims, and odd proxy identity
 * headers. Some tokens with bad claims are signed with the real secret, so that the claim
 * checks run.
 */
import { createHmac } from 'node:crypto';
import { GROUPS_HEADER, JWT_AUDIENCE, JWT_ISSUER, USER_HEADER } from './fuzz-servers.js';
import type { FuzzSecrets, ValidCredentials } from './fuzz-servers.js';
import { BASE64URL_ALPHABET, type Random } from './random.js';
import { setHeader, type FuzzRequest } from './raw-request.js';

/** Adds valid credentials of a random kind: a bearer token, a user token or proxy headers. */
export function addValidCredentials(random: Random, request: FuzzRequest, valid: ValidCredentials): void {
  const kind = random.int(0, 2);
  if (kind === 0) {
    setHeader(request, 'Authorization', `Bearer ${valid.bearerToken}`);
  } else if (kind === 1) {
    setHeader(request, 'Authorization', `Bearer ${random.pick(valid.jwts)}`);
  } else {
    setHeader(request, USER_HEADER, random.pick(['ops', 'ana', 'bo']));
    setHeader(request, GROUPS_HEADER, random.pick(['analysts', 'staff', 'analysts, staff', '']));
  }
  request.labels.push('credentials:valid');
}

/** Adds credentials that must fail: see the file comment. */
export function addForgedCredentials(
  random: Random,
  request: FuzzRequest,
  valid: ValidCredentials,
  secrets: FuzzSecrets,
): void {
  const kind = random.weighted<string>([[3, 'bearer'], [2, 'scheme'], [5, 'jwt'], [2, 'proxy']]);
  request.labels.push(`credentials:forged-${kind}`);
  switch (kind) {
    case 'bearer':
      setHeader(request, 'Authorization', `Bearer ${forgedBearer(random, valid.bearerToken)}`);
      return;
    case 'scheme':
      setHeader(request, 'Authorization', random.pick([
        'Bearer', 'Bearer ', 'bearer', `Basic ${Buffer.from('ops:secret').toString('base64')}`,
        `Token ${valid.bearerToken.slice(0, 20)}`, 'Digest username="ops"', `Bearer ${valid.bearerToken} extra`,
        `Bearer ${valid.bearerToken},x`, 'Bearer a,b', `Bearer\t${valid.bearerToken.slice(1)}`,
        `Bearer ${'A'.repeat(12_000)}`, 'Bearer \u0000', `Bearer ${valid.bearerToken.slice(3)}\u00ff`,
        'Negotiate x', `${valid.bearerToken.slice(5)}`, ' ', '',
      ]));
      return;
    case 'jwt':
      setHeader(request, 'Authorization', `Bearer ${forgedJwt(random, valid, secrets)}`);
      return;
    default:
      forgedProxyIdentity(random, request);
  }
}

/** Returns the valid token with one character changed, removed or added, or cut short. */
function forgedBearer(random: Random, token: string): string {
  const at = random.int(0, token.length - 1);
  switch (random.int(0, 4)) {
    case 0: {
      const replacement = BASE64URL_ALPHABET.replace(token[at]!, '');
      return token.slice(0, at) + random.pick([...replacement]) + token.slice(at + 1);
    }
    case 1:
      return token.slice(0, at) + token.slice(at + 1);
    case 2:
      return token + random.pick([...BASE64URL_ALPHABET]);
    case 3:
      return token.slice(0, random.int(1, token.length - 1));
    default:
      return token.toUpperCase();
  }
}

const base64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

function hmac(algorithm: 'sha256' | 'sha512', secret: string, input: string): string {
  return createHmac(algorithm, Buffer.from(secret, 'utf8')).update(input).digest('base64url');
}

/** Signs a token with HS256; `secret` may be the real one, so only the claims are wrong. */
function signHs256(header: unknown, payload: unknown, secret: string): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${hmac('sha256', secret, input)}`;
}

function forgedJwt(random: Random, valid: ValidCredentials, secrets: FuzzSecrets): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'ops', groups: ['analysts'], iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 600 };
  const header = { alg: 'HS256', typ: 'JWT' };
  const token = random.pick(valid.jwts);
  const [tokenHeader, tokenPayload, tokenSignature] = token.split('.') as [string, string, string];
  const kind = random.int(0, 13);
  switch (kind) {
    case 0:
      return signHs256(header, claims, `${secrets.jwtSecret}x`);
    case 1:
      return `${tokenHeader}.${tokenPayload}.${random.string(43, BASE64URL_ALPHABET)}`;
    case 2:
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    case 3: {
      const input = `${base64url({ alg: 'HS512' })}.${base64url(claims)}`;
      return `${input}.${hmac('sha512', secrets.jwtSecret, input)}`;
    }
    case 4:
      return signHs256({ alg: 'RS256' }, claims, secrets.jwtSecret);
    case 5:
      // The signature of a valid token on a payload that names another user.
      return `${tokenHeader}.${base64url(claims)}.${tokenSignature}`;
    case 6:
      return signHs256(header, random.pick<Record<string, unknown>>([
        { ...claims, exp: now - 3600, iat: now - 4000 },
        { ...claims, nbf: now + 3600 },
        { ...claims, iss: 'other-app' },
        { ...claims, aud: ['other'] },
        { ...claims, exp: undefined },
        { ...claims, exp: now + 86_400 },
        { ...claims, exp: 'tomorrow' },
        { ...claims, iat: now + 86_400 },
        { ...claims, sub: undefined },
        { ...claims, sub: 42 },
        { ...claims, sub: { name: 'ops' } },
        { ...claims, sub: '' },
        { ...claims, sub: 'o'.repeat(300) },
        { ...claims, sub: undefined, user: 'ops' },
        { ...claims, groups: 'analysts' },
        { ...claims, groups: [1, null, {}, 'g'.repeat(300), '', 'analysts'] },
        { ...claims, sub: '__proto__', groups: ['constructor'] },
        { ...claims, exp: 1e308 },
        { ...claims, exp: -1 },
      ]), secrets.jwtSecret);
    case 7:
      return signHs256(random.pick<unknown>([
        { alg: 'HS256', crit: ['x'], x: 1 },
        { alg: 'HS256', b64: false, crit: ['b64'] },
        { alg: 'HS256', jku: 'http://127.0.0.1:1/keys', kid: '../../etc/passwd' },
        { alg: 'HS256', zip: 'DEF' },
        { alg: 'hs256' },
        { typ: 'JWT' },
        [],
      ]), claims, secrets.jwtSecret);
    case 8: {
      const input = `${base64url('not json')}.${base64url(claims)}`;
      return `${input}.${hmac('sha256', secrets.jwtSecret, input)}`;
    }
    case 9: {
      const input = `${tokenHeader}.${base64url(random.pick(['[]', 'null', '"x"', '{', '1']))}`;
      return `${input}.${hmac('sha256', secrets.jwtSecret, input)}`;
    }
    case 10:
      return random.pick([
        `${tokenHeader}.${tokenPayload}`,
        `${token}.extra`,
        `${tokenHeader}..${tokenSignature}`,
        `${token}=`,
        `${tokenHeader}.${tokenPayload}.${tokenSignature.slice(0, 20)}`,
        token.replaceAll('-', '+').replaceAll('_', '/'),
        `${tokenHeader}.${tokenPayload}.${tokenSignature}${tokenSignature}`,
      ]);
    case 11:
      return signHs256(header, { ...claims, pad: 'p'.repeat(random.pick([1000, 6000, 20_000])) }, secrets.jwtSecret);
    case 12: {
      const at = random.int(0, token.length - 1);
      return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    }
    default:
      return token.slice(0, random.int(10, token.length - 1));
  }
}

/** Proxy headers that name no single user, or that a client duplicated. */
function forgedProxyIdentity(random: Random, request: FuzzRequest): void {
  const kind = random.int(0, 4);
  if (kind === 0) {
    setHeader(request, USER_HEADER, random.pick(['', ' ', 'ops, ana', ',', 'u'.repeat(300), '\u00ff', 'ops\u0000']));
  } else if (kind === 1) {
    setHeader(request, USER_HEADER, 'ops');
    request.headers.push([USER_HEADER, 'ana']);
  } else if (kind === 2) {
    setHeader(request, USER_HEADER, 'bo');
    setHeader(request, GROUPS_HEADER, 'staff');
    request.headers.push([GROUPS_HEADER, 'analysts']);
  } else if (kind === 3) {
    setHeader(request, USER_HEADER, 'ana');
    setHeader(request, GROUPS_HEADER, random.pick([',,,', 'g'.repeat(5000), `${'analysts,'.repeat(1000)}`, '\u00ff']));
  } else {
    setHeader(request, 'Authorization', 'Bearer nonsense');
    setHeader(request, USER_HEADER, 'ops');
  }
}
