import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadGatewayConfig, parseGatewayConfig } from '../../src/gateway/config.js';
import { GatewayConfigError } from '../../src/gateway/errors.js';

const GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
const DIGEST = 'ab'.repeat(32);
const SECRET = 'an HS256 secret that is long enough for the check';
const REPORTS = { orders: { guid: GUID } };

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, `expected GatewayConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail('expected a GatewayConfigError');
}

async function loadProblems(load: Promise<unknown>): Promise<readonly string[]> {
  try {
    await load;
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, `expected GatewayConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail('expected a GatewayConfigError');
}

function assertProblems(problems: readonly string[], expected: RegExp[]): void {
  assert.equal(problems.length, expected.length, problems.join('\n'));
  for (const pattern of expected) {
    assert.ok(problems.some((problem) => pattern.test(problem)), `no problem matches ${pattern}`);
  }
}

describe('parseGatewayConfig security settings', () => {
  it('reads every setting of a full config', () => {
    const config = parseGatewayConfig(
      {
        auth: {
          anonymous: false,
          bearer_tokens: [{ name: 'nightly-scheduler', sha256: DIGEST.toUpperCase() }],
          jwt: { algorithm: 'RS256', public_key_file: 'keys/jwt.pem', issuer: 'shiny-app' },
          proxy: { user_header: 'X-Forwarded-User', trusted_proxies: ['10.0.0.0/8', '::1'] },
        },
        cors: { origins: ['https://dashboards.example.com'], credentials: true },
        rate_limit: { refresh_per_minute: 3 },
        reports: {
          orders: {
            guid: GUID,
            log: 'errors',
            redact: ['password=\\S+'],
            cooldown_s: 300,
            variant: 'WrEKKa77',
            variants: ['SECOND'],
            refresh: { users: ['alice'], tokens: ['nightly-scheduler'] },
            read: { groups: ['staff'] },
            cancel: { users: ['alice'] },
          },
        },
      },
      { baseDir: '/etc/connect-refresh' },
    );
    assert.deepEqual(config.auth, {
      anonymous: false,
      bearer_tokens: [{ name: 'nightly-scheduler', sha256: DIGEST }],
      jwt: {
        algorithm: 'RS256',
        secret_env: null,
        public_key_file: '/etc/connect-refresh/keys/jwt.pem',
        issuer: 'shiny-app',
        audience: null,
        max_lifetime_s: 3600,
      },
      proxy: {
        user_header: 'X-Forwarded-User',
        groups_header: null,
        trusted_proxies: ['10.0.0.0/8', '::1'],
      },
    });
    assert.deepEqual(config.cors, {
      origins: ['https://dashboards.example.com'],
      credentials: true,
    });
    assert.deepEqual(config.rate_limit, { refresh_per_minute: 3, reads_per_minute: 600 });
    assert.deepEqual(config.reports.orders, {
      guid: GUID,
      log: 'errors',
      redact: ['password=\\S+'],
      cooldown_s: 300,
      max_duration: null,
      variant: 'WrEKKa77',
      variants: ['SECOND'],
      refresh: { users: ['alice'], groups: [], tokens: ['nightly-scheduler'] },
      read: { users: [], groups: ['staff'], tokens: [] },
      cancel: { users: ['alice'], groups: [], tokens: [] },
    });
  });

  it('lists schema and semantic problems together', () => {
    const problems = problemsOf(() =>
      parseGatewayConfig({
        auth: {
          anonymous: 'yes',
          bearer_tokens: [{ name: 'a b', sha256: DIGEST }, { name: 'cron' }],
          proxy: { user_header: 'X User', trusted_proxies: ['10.0.0.0/33', 'gateway'] },
        },
        cors: { origins: ['https://a.example.com/', '*'] },
        rate_limit: { refresh_per_minute: 0, per_hour: 5 },
        reports: {
          orders: {
            guid: GUID,
            redact: ['(', 'a*'],
            cooldown_s: -1,
            refresh: { tokens: ['nope'] },
            read: { groups: 'staff' },
            cancel: { tokens: ['gone'], roles: ['owner'] },
          },
        },
      }),
    );
    assertProblems(problems, [
      /^auth\.anonymous: expected true or false, got "yes"$/,
      /^auth\.bearer_tokens\[0\]\.name: expected a name of 1 to 64 letters/,
      /^auth\.bearer_tokens\[1\]\.sha256: missing; expected the SHA-256 digest/,
      /^auth\.proxy\.user_header: expected an HTTP header name/,
      /^auth\.proxy\.trusted_proxies\[0\]: expected an IP address or CIDR block/,
      /^auth\.proxy\.trusted_proxies\[1\]: expected an IP address or CIDR block.*"gateway"$/,
      /^cors\.origins\[0\]: expected an origin.*got "https:\/\/a\.example\.com\/"$/,
      /^cors\.origins\[1\]: expected an origin.*got "\*"$/,
      /^rate_limit\.refresh_per_minute: expected a whole number of requests per minute/,
      /^rate_limit\.per_hour: unknown field; allowed fields are refresh_per_minute/,
      /^reports\.orders\.redact\[0\]: invalid regular expression/,
      /^reports\.orders\.redact\[1\]: the pattern matches the empty string/,
      /^reports\.orders\.cooldown_s: expected a whole number of seconds, 0 or more, got -1$/,
      /^reports\.orders\.refresh\.tokens\[0\]: no bearer token named "nope"/,
      /^reports\.orders\.read\.groups: expected an array of group names, got "staff"$/,
      /^reports\.orders\.cancel\.roles: unknown field; allowed fields are users, groups, tokens$/,
      /^reports\.orders\.cancel\.tokens\[0\]: no bearer token named "gone"/,
    ]);
  });

  it('never shows a mistaken digest', () => {
    const token = 'raw-token-pasted-where-the-digest-goes';
    const problems = problemsOf(() =>
      parseGatewayConfig({
        auth: { bearer_tokens: [{ name: 'cron', sha256: token }] },
        reports: REPORTS,
      }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^auth\.bearer_tokens\[0\]\.sha256: .*\(not shown\)$/);
    assert.ok(!problems[0]!.includes(token));
  });

  it('rejects duplicate token names and digests', () => {
    const problems = problemsOf(() =>
      parseGatewayConfig({
        auth: {
          bearer_tokens: [
            { name: 'cron', sha256: DIGEST },
            { name: 'cron', sha256: DIGEST.toUpperCase() },
          ],
        },
        reports: REPORTS,
      }),
    );
    assertProblems(problems, [
      /^auth\.bearer_tokens\[1\]\.name: "cron" is also the name of bearer_tokens\[0\]/,
      /^auth\.bearer_tokens\[1\]\.sha256: same digest as bearer_tokens\[0\]/,
    ]);
  });

  it('requires exactly the key fields of the algorithm', () => {
    const cases: Array<[object, RegExp[]]> = [
      [{ algorithm: 'HS256' }, [/^auth\.jwt\.secret_env: missing; algorithm HS256 needs/]],
      [
        { algorithm: 'HS256', secret_env: 'JWT_SECRET', public_key_file: 'k.pem' },
        [/^auth\.jwt\.public_key_file: not used with algorithm HS256; remove it/],
      ],
      [{ algorithm: 'ES256' }, [/^auth\.jwt\.public_key_file: missing; algorithm ES256 needs/]],
      [
        { algorithm: 'RS256', public_key_file: 'k.pem', secret_env: 'JWT_SECRET' },
        [/^auth\.jwt\.secret_env: not used with algorithm RS256; remove it/],
      ],
      [
        { algorithm: 'none', secret_env: 'JWT_SECRET' },
        [/^auth\.jwt\.algorithm: expected "HS256", "RS256" or "ES256", got "none"$/],
      ],
      [{ secret_env: 'JWT_SECRET' }, [/^auth\.jwt\.algorithm: missing; expected "HS256"/]],
    ];
    for (const [jwt, expected] of cases) {
      const problems = problemsOf(() => parseGatewayConfig({ auth: { jwt }, reports: REPORTS }));
      assertProblems(problems, expected);
    }
  });

  it('rejects user lists that no auth mode can match', () => {
    const problems = problemsOf(() =>
      parseGatewayConfig({
        auth: { bearer_tokens: [{ name: 'cron', sha256: DIGEST }] },
        reports: {
          orders: {
            guid: GUID,
            refresh: { users: ['alice'] },
            read: { groups: ['staff'] },
            cancel: { users: ['alice'], tokens: ['cron'] },
          },
        },
      }),
    );
    assertProblems(problems, [
      /^reports\.orders\.refresh\.users: no auth mode provides users; configure auth\.jwt/,
      /^reports\.orders\.read\.groups: no auth mode provides groups/,
      /^reports\.orders\.cancel\.users: no auth mode provides users/,
    ]);
  });

  it('rejects anonymous false without another mode', () => {
    const problems = problemsOf(() =>
      parseGatewayConfig({ auth: { anonymous: false }, reports: REPORTS }),
    );
    assertProblems(problems, [/^auth\.anonymous: false, but no other mode admits anyone/]);
  });

  it('accepts IPv6 and mapped trusted proxies', () => {
    const config = parseGatewayConfig({
      auth: {
        proxy: {
          user_header: 'X-Forwarded-User',
          groups_header: 'X-Forwarded-Groups',
          trusted_proxies: ['fd00::/8', '::ffff:10.0.0.1', '192.168.1.7/32'],
        },
      },
      reports: REPORTS,
    });
    assert.equal(config.auth.proxy?.groups_header, 'X-Forwarded-Groups');
  });
});

describe('loadGatewayConfig key checks', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-config-keys-'));
    await writeFile(join(dir, 'rsa.pem'), rsaPublicKey());
    await writeFile(join(dir, 'not-a-key.pem'), '-----BEGIN PUBLIC KEY-----\nAAAA\n');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(name: string, jwt: object, extra: object = {}): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify({ auth: { jwt }, reports: REPORTS, ...extra }));
    return path;
  }

  it('loads a public key relative to the config file', async () => {
    const path = await writeConfig('rsa.json', { algorithm: 'RS256', public_key_file: 'rsa.pem' });
    const config = await loadGatewayConfig(path, {});
    assert.equal(config.auth.jwt?.public_key_file, join(dir, 'rsa.pem'));
  });

  it('rejects a missing or unparsable key file', async () => {
    const missing = await writeConfig('missing-key.json', {
      algorithm: 'RS256',
      public_key_file: 'nowhere.pem',
    });
    assertProblems(await loadProblems(loadGatewayConfig(missing, {})), [
      /^auth\.jwt\.public_key_file: cannot read .*nowhere\.pem \(ENOENT\)/,
    ]);

    const broken = await writeConfig('broken-key.json', {
      algorithm: 'RS256',
      public_key_file: 'not-a-key.pem',
    });
    assertProblems(await loadProblems(loadGatewayConfig(broken, {})), [
      /^auth\.jwt\.public_key_file: .*not-a-key\.pem does not hold an SPKI PEM public key/,
    ]);
  });

  it('rejects a key of another algorithm', async () => {
    const path = await writeConfig('es-with-rsa.json', {
      algorithm: 'ES256',
      public_key_file: 'rsa.pem',
    });
    assertProblems(await loadProblems(loadGatewayConfig(path, {})), [
      /^auth\.jwt\.public_key_file: .*rsa\.pem does not hold an SPKI PEM public key .* for ES256/,
    ]);
  });

  it('checks the HS256 secret variable', async () => {
    const path = await writeConfig('hs.json', { algorithm: 'HS256', secret_env: 'JWT_SECRET' });
    assertProblems(await loadProblems(loadGatewayConfig(path, {})), [
      /^auth\.jwt\.secret_env: environment variable JWT_SECRET is not set/,
    ]);

    const short = 'too-short-secret';
    const problems = await loadProblems(loadGatewayConfig(path, { JWT_SECRET: short }));
    assertProblems(problems, [/^auth\.jwt\.secret_env: .*holds 16 bytes; .* at least 32/]);
    assert.ok(!problems[0]!.includes(short), 'the problem shows the secret');

    const config = await loadGatewayConfig(path, { JWT_SECRET: SECRET });
    assert.equal(config.auth.jwt?.secret_env, 'JWT_SECRET');
  });

  it('reports key problems with the other problems', async () => {
    const path = await writeConfig(
      'both.json',
      { algorithm: 'HS256', secret_env: 'JWT_SECRET' },
      { cors: { origins: ['https://a.example.com/path'] } },
    );
    assertProblems(await loadProblems(loadGatewayConfig(path, {})), [
      /^cors\.origins\[0\]: expected an origin/,
      /^auth\.jwt\.secret_env: environment variable JWT_SECRET is not set/,
    ]);
  });
});

function rsaPublicKey(): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
