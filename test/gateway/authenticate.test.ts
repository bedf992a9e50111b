import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { importSPKI, SignJWT, type JWTPayload } from 'jose';
import { Authenticator } from '../../src/gateway/auth/authenticate.js';
import { JwtVerifier } from '../../src/gateway/auth/jwt-verifier.js';
import type { RequestSource } from '../../src/gateway/auth/proxy-identity.js';
import { parseGatewayConfig, type AuthConfig } from '../../src/gateway/config.js';
import { GatewayHttpError } from '../../src/gateway/errors.js';

const GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
const SECRET = new TextEncoder().encode('a shared HS256 secret of more than 32 bytes');
const SCHEDULER_TOKEN = 'scheduler-token-4f1d8a7e2b';
const NOW_S = Math.floor(Date.now() / 1000);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Creates a logger that records warnings and drops everything else. */
function recordingLogger() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
    info: () => undefined,
    debug: () => undefined,
    error: () => undefined,
  };
  return { warnings, logger: logger as unknown as FastifyBaseLogger };
}

function authConfig(auth: object): AuthConfig {
  return parseGatewayConfig({ auth, reports: { orders: { guid: GUID } } }).auth;
}

function request(headers: RequestSource['headers'], remoteAddress = '127.0.0.1'): RequestSource {
  return { headers, remoteAddress };
}

function bearer(token: string): RequestSource['headers'] {
  return { authorization: `Bearer ${token}` };
}

function hsToken(claims: JWTPayload, header: { alg: string } = { alg: 'HS256' }) {
  return new SignJWT(claims).setProtectedHeader(header).sign(SECRET);
}

async function rejection(promise: Promise<unknown>): Promise<GatewayHttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GatewayHttpError, `expected GatewayHttpError, got ${error}`);
    return error;
  }
  assert.fail('expected the request to be rejected');
}

function hsAuthenticator(auth: object = {}) {
  const config = authConfig({
    anonymous: false,
    bearer_tokens: [{ name: 'nightly-scheduler', sha256: sha256(SCHEDULER_TOKEN) }],
    jwt: {
      algorithm: 'HS256',
      secret_env: 'JWT_SECRET',
      issuer: 'shiny-app',
      audience: 'connect-refresh',
      max_lifetime_s: 600,
    },
    ...auth,
  });
  const { logger } = recordingLogger();
  return new Authenticator(config, new JwtVerifier(config.jwt!, SECRET), logger);
}

const VALID_CLAIMS = {
  sub: 'alice',
  groups: ['analysts', 7, 'staff'],
  iss: 'shiny-app',
  aud: 'connect-refresh',
  iat: NOW_S,
  exp: NOW_S + 300,
};

describe('Authenticator', () => {
  it('admits a valid HS256 token', async () => {
    const token = await hsToken(VALID_CLAIMS);
    const identity = await hsAuthenticator().authenticate(request(bearer(token)));
    assert.deepEqual(identity, {
      kind: 'jwt',
      user: 'alice',
      groups: ['analysts', 'staff'],
      token: null,
      label: 'user alice',
    });
  });

  it('takes the user claim without sub', async () => {
    const token = await hsToken({ ...VALID_CLAIMS, sub: undefined, user: 'bob' });
    const identity = await hsAuthenticator().authenticate(request(bearer(token)));
    assert.equal(identity.user, 'bob');
  });

  it('answers token_expired for an expired token', async () => {
    const token = await hsToken({ ...VALID_CLAIMS, iat: NOW_S - 400, exp: NOW_S - 60 });
    const error = await rejection(hsAuthenticator().authenticate(request(bearer(token))));
    assert.equal(error.statusCode, 401);
    assert.equal(error.code, 'token_expired');
    assert.match(error.message, /has expired; fetch a fresh token/);
  });

  it('rejects tokens that fail a check', async () => {
    const otherSecret = new TextEncoder().encode('another secret that is also long enough!!');
    const cases: Array<[string, Promise<string>, RegExp]> = [
      ['no exp', hsToken({ ...VALID_CLAIMS, exp: undefined }), /has no exp claim/],
      ['wrong issuer', hsToken({ ...VALID_CLAIMS, iss: 'other' }), /iss claim does not match/],
      ['wrong audience', hsToken({ ...VALID_CLAIMS, aud: 'x' }), /aud claim does not match/],
      ['too long', hsToken({ ...VALID_CLAIMS, exp: NOW_S + 601 }), /valid for 601 seconds/],
      [
        'future iat',
        hsToken({ ...VALID_CLAIMS, iat: NOW_S + 500, exp: NOW_S + 900 }),
        /longer than the 600 seconds/,
      ],
      ['no user', hsToken({ ...VALID_CLAIMS, sub: undefined }), /names no user/],
      ['not yet valid', hsToken({ ...VALID_CLAIMS, nbf: NOW_S + 120 }), /not valid yet/],
      [
        'other key',
        new SignJWT(VALID_CLAIMS).setProtectedHeader({ alg: 'HS256' }).sign(otherSecret),
        /signature does not verify/,
      ],
      ['other algorithm', hsToken(VALID_CLAIMS, { alg: 'HS512' }), /algorithm this gateway/],
      ['garbage', Promise.resolve('abc.def.ghi'), /not a well-formed signed JWT/],
    ];
    for (const [what, token, pattern] of cases) {
      const error = await rejection(hsAuthenticator().authenticate(request(bearer(await token))));
      assert.equal(error.statusCode, 401, what);
      assert.equal(error.code, 'unauthenticated', what);
      assert.match(error.message, pattern, what);
    }
  });

  it('rejects an unsigned token', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none' })}.${encode(VALID_CLAIMS)}.`;
    const error = await rejection(hsAuthenticator().authenticate(request(bearer(unsigned))));
    assert.equal(error.code, 'unauthenticated');
  });

  it('admits a configured bearer token', async () => {
    const identity = await hsAuthenticator().authenticate(request(bearer(SCHEDULER_TOKEN)));
    assert.equal(identity.kind, 'token');
    assert.equal(identity.token, 'nightly-scheduler');
    assert.equal(identity.label, 'token nightly-scheduler');
  });

  it('rejects unknown tokens and other schemes', async () => {
    const authenticator = hsAuthenticator();
    const cases: Array<[RequestSource['headers'], RegExp]> = [
      [bearer('not-a-configured-token'), /not valid here; this gateway needs a signed user/],
      [{ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, /"Bearer <token>"/],
      [{ authorization: 'Bearer' }, /"Bearer <token>"/],
    ];
    for (const [headers, pattern] of cases) {
      const error = await rejection(authenticator.authenticate(request(headers)));
      assert.equal(error.statusCode, 401);
      assert.equal(error.code, 'unauthenticated');
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes('not-a-configured-token'), 'message echoes the token');
    }
  });

  it('rejects missing credentials when anonymous is off', async () => {
    const error = await rejection(hsAuthenticator().authenticate(request({})));
    assert.equal(error.code, 'unauthenticated');
    assert.equal(
      error.message,
      'This gateway needs a signed user token or a bearer token in the Authorization header.',
    );
    assert.equal(error.headers['www-authenticate'], 'Bearer');
  });

  it('never falls back to anonymous on bad credentials', async () => {
    const authenticator = hsAuthenticator({ anonymous: true });
    const anonymous = await authenticator.authenticate(request({}, '::ffff:10.1.2.3'));
    assert.equal(anonymous.kind, 'anonymous');
    assert.equal(anonymous.label, 'anonymous 10.1.2.3');
    const error = await rejection(authenticator.authenticate(request(bearer('wrong'))));
    assert.equal(error.code, 'unauthenticated');
  });

  it('treats unset anonymous as allowed', async () => {
    const config = authConfig({});
    const authenticator = new Authenticator(config, null, recordingLogger().logger);
    const identity = await authenticator.authenticate(request({}));
    assert.equal(identity.kind, 'anonymous');
    const error = await rejection(authenticator.authenticate(request(bearer('x'))));
    assert.match(error.message, /accepts no tokens; remove the Authorization header/);
  });

  it('verifies RS256 tokens with a public key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const config = authConfig({ jwt: { algorithm: 'RS256', public_key_file: 'unused.pem' } });
    const verifier = new JwtVerifier(config.jwt!, await importSPKI(pem, 'RS256'));
    const authenticator = new Authenticator(config, verifier, recordingLogger().logger);

    const token = await new SignJWT({ sub: 'carol', iat: NOW_S, exp: NOW_S + 60 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    assert.equal((await authenticator.authenticate(request(bearer(token)))).user, 'carol');

    // An HS256 token signed with the public key as its secret is the classic key confusion.
    const confused = await new SignJWT({ sub: 'mallory', iat: NOW_S, exp: NOW_S + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(pem));
    const error = await rejection(authenticator.authenticate(request(bearer(confused))));
    assert.match(error.message, /algorithm this gateway does not accept/);
  });
});

describe('Authenticator with a proxy', () => {
  function proxyAuthenticator() {
    const recording = recordingLogger();
    const config = authConfig({
      anonymous: true,
      proxy: {
        user_header: 'X-Forwarded-User',
        groups_header: 'X-Forwarded-Groups',
        trusted_proxies: ['10.0.0.0/8', '::1'],
      },
    });
    return { ...recording, authenticator: new Authenticator(config, null, recording.logger) };
  }

  const userHeaders = { 'x-forwarded-user': 'dave', 'x-forwarded-groups': 'staff, ops,,' };

  it('admits users from a trusted proxy', async () => {
    const { authenticator } = proxyAuthenticator();
    for (const address of ['10.20.30.40', '::ffff:10.0.0.9', '::1']) {
      const identity = await authenticator.authenticate(request(userHeaders, address));
      assert.equal(identity.kind, 'proxy', address);
      assert.equal(identity.user, 'dave', address);
      assert.deepEqual(identity.groups, ['staff', 'ops'], address);
    }
  });

  it('ignores headers from other addresses', async () => {
    const { authenticator, warnings } = proxyAuthenticator();
    for (let i = 0; i < 3; i += 1) {
      const identity = await authenticator.authenticate(request(userHeaders, '192.168.1.5'));
      assert.equal(identity.kind, 'anonymous');
      assert.equal(identity.label, 'anonymous 192.168.1.5');
    }
    assert.equal(warnings.length, 1, 'repeated warnings are rate-limited');
    assert.match(warnings[0]!.message, /Ignored a proxy identity header/);
    assert.equal(warnings[0]!.fields.clientAddress, '192.168.1.5');
  });

  it('rejects a user header with several names', async () => {
    const { authenticator } = proxyAuthenticator();
    const headers = { 'x-forwarded-user': 'mallory, dave' };
    const error = await rejection(authenticator.authenticate(request(headers, '10.0.0.1')));
    assert.equal(error.code, 'unauthenticated');
    assert.match(error.message, /does not contain a single user name/);
  });

  it('reads the client address behind the proxy', () => {
    const { authenticator } = proxyAuthenticator();
    const forwarded = (value: string, peer: string) =>
      authenticator.clientAddress(request({ 'x-forwarded-for': value }, peer));
    assert.equal(forwarded('203.0.113.7', '10.0.0.1'), '203.0.113.7');
    assert.equal(forwarded('198.51.100.1, 203.0.113.7, 10.0.0.2', '10.0.0.1'), '203.0.113.7');
    assert.equal(forwarded('nonsense, 203.0.113.7', '10.0.0.1'), '203.0.113.7');
    assert.equal(forwarded('203.0.113.7', '192.168.1.5'), '192.168.1.5');
  });
});
