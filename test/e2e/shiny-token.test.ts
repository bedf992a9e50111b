/**
 * Tokens minted by r/connect_refresh.R under Rscript, checked with the gateway's own JWT
 * verification code.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hasShiny, SHINY_PACKAGES } from '../../demo/shiny/start.js';
import { loadJwtKey } from '../../src/gateway/auth/jwt-key.js';
import { JwtVerifier, TokenRejectedError } from '../../src/gateway/auth/jwt-verifier.js';
import { parseGatewayConfig } from '../../src/gateway/index.js';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = randomBytes(48).toString('base64url');
const ISSUER = 'shiny-app';
const AUDIENCE = 'connect-refresh';

/** Arguments of connect_refresh_token(), as JSON that R reads back with jsonlite. */
interface MintArguments {
  user?: string;
  groups?: string[];
  lifetime_s?: number;
  issuer?: string;
  audience?: string;
  /** Issue time in seconds since the epoch. */
  now?: number;
}

interface MintResult {
  token: string;
  stderr: string;
  failed: boolean;
}

const MINT = [
  'source("r/connect_refresh.R")',
  'arguments <- jsonlite::fromJSON(Sys.getenv("MINT_ARGUMENTS"))',
  'cat(do.call(connect_refresh_token, c(list(session = NULL), arguments)))',
].join('; ');

/** Like MINT, with the arguments as an R expression, for values that JSON cannot carry (NA, Inf). */
const MINT_FROM_R = [
  'source("r/connect_refresh.R")',
  'arguments <- eval(parse(text = Sys.getenv("MINT_ARGUMENTS")))',
  'cat(do.call(connect_refresh_token, c(list(session = NULL), arguments)))',
].join('; ');

/** Runs `script` under Rscript with `secret` in CONNECT_REFRESH_JWT_SECRET. */
function runMint(script: string, mintArguments: string, secret: string | null): Promise<MintResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, MINT_ARGUMENTS: mintArguments };
  delete env.CONNECT_REFRESH_JWT_SECRET;
  if (secret !== null) env.CONNECT_REFRESH_JWT_SECRET = secret;

  return new Promise((resolve) => {
    execFile('Rscript', ['-e', script], { cwd: repoDir, env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ token: stdout.trim(), stderr, failed: error !== null });
    });
  });
}

/** Runs connect_refresh_token() under Rscript with `secret` in CONNECT_REFRESH_JWT_SECRET. */
function mint(args: MintArguments, secret: string | null = SECRET): Promise<MintResult> {
  return runMint(MINT, JSON.stringify(args), secret);
}

/** Runs connect_refresh_token() with the arguments of `expression`, an R list. */
function mintFromR(expression: string): Promise<MintResult> {
  return runMint(MINT_FROM_R, expression, SECRET);
}

/** Returns the gateway's verifier for HS256 tokens with `secret`, as its config would build it. */
async function verifier(secret = SECRET, maxLifetimeS = 900): Promise<JwtVerifier> {
  const config = parseGatewayConfig({
    auth: {
      anonymous: false,
      jwt: {
        algorithm: 'HS256',
        secret_env: 'SHINY_JWT_SECRET',
        issuer: ISSUER,
        audience: AUDIENCE,
        max_lifetime_s: maxLifetimeS,
      },
    },
    reports: { orders: { guid: '6a3b4c5d-0000-4000-8000-00000000beef' } },
  });
  const jwt = config.auth.jwt!;
  return new JwtVerifier(jwt, await loadJwtKey(jwt, { SHINY_JWT_SECRET: secret }));
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'));
}

async function rejection(token: string, check: JwtVerifier): Promise<TokenRejectedError> {
  try {
    await check.verify(token);
  } catch (error) {
    assert.ok(error instanceof TokenRejectedError, `unexpected error: ${String(error)}`);
    return error;
  }
  assert.fail('expected the gateway to reject the token');
}

describe('R-minted user token', () => {
  let skipReason: string | null = null;

  before(async () => {
    if (!(await hasShiny())) {
      skipReason = `R with ${SHINY_PACKAGES.join(', ')} is not installed; ` +
        'scripts/setup-system.sh installs them';
    }
  });

  const claims = { issuer: ISSUER, audience: AUDIENCE };

  it('passes the gateway verification', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { token, stderr } = await mint({ user: 'ana', groups: ['analysts', 'staff'], ...claims });
    assert.equal(stderr, '');

    const identity = await (await verifier()).verify(token);
    assert.deepEqual(identity, { user: 'ana', groups: ['analysts', 'staff'] });
  });

  it('has the expected header and claims', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const now = Math.floor(Date.now() / 1000);
    const { token } = await mint({ user: 'ana', groups: ['analysts'], lifetime_s: 600, now, ...claims });

    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.deepEqual(decodePart(token, 0), { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(decodePart(token, 1), {
      sub: 'ana', groups: ['analysts'], iat: now, exp: now + 600, iss: ISSUER, aud: AUDIENCE,
    });
  });

  it('writes no groups as an empty array', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { token } = await mint({ user: 'ana', ...claims });

    assert.deepEqual(decodePart(token, 1).groups, []);
    assert.deepEqual((await (await verifier()).verify(token)).groups, []);
  });

  it('keeps a non-ASCII user name', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { token } = await mint({ user: 'zoë.müller', groups: ['Ärzte'], ...claims });

    assert.deepEqual(await (await verifier()).verify(token), { user: 'zoë.müller', groups: ['Ärzte'] });
  });

  it('fails with another secret', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { token } = await mint({ user: 'ana', ...claims });
    const other = await verifier(randomBytes(48).toString('base64url'));

    assert.match((await rejection(token, other)).message, /signature does not verify/);
  });

  it('fails once expired', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const { token } = await mint({ user: 'ana', lifetime_s: 900, now: hourAgo, ...claims });
    const error = await rejection(token, await verifier());

    assert.equal(error.expired, true);
  });

  it('fails beyond the maximum lifetime', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { token } = await mint({ user: 'ana', lifetime_s: 7200, ...claims });

    assert.match((await rejection(token, await verifier())).message, /longer than the 900 seconds/);
  });

  it('fails without the configured issuer', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { token } = await mint({ user: 'ana', audience: AUDIENCE });

    assert.match((await rejection(token, await verifier())).message, /iss claim/);
  });

  it('stops without a user', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const result = await mint({ groups: ['analysts'] });

    assert.equal(result.failed, true);
    assert.equal(result.token, '');
    assert.match(result.stderr, /no user name\. session\$user is NULL/);
  });

  it('stops without the secret', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const result = await mint({ user: 'ana' }, null);

    assert.equal(result.failed, true);
    assert.match(result.stderr, /CONNECT_REFRESH_JWT_SECRET is not set/);
  });

  it('stops on a short secret without printing it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const shortSecret = 'short-secret-of-28-bytes-xyz';
    const result = await mint({ user: 'ana' }, shortSecret);

    assert.equal(result.failed, true);
    assert.match(result.stderr, /fewer than 32 bytes/);
    assert.ok(!result.stderr.includes(shortSecret), 'the error message leaves out the secret');
  });

  const invalidArguments: Array<{ name: string; expression: string; message: RegExp }> = [
    { name: 'NA user', expression: 'list(user = NA)', message: /user must be one non-empty string/ },
    { name: 'NA string user', expression: 'list(user = NA_character_)', message: /user must be one non-empty string/ },
    { name: 'numeric user', expression: 'list(user = 42)', message: /user must be one non-empty string/ },
    { name: 'two users', expression: 'list(user = c("ana", "bo"))', message: /user must be one non-empty string/ },
    { name: 'numeric groups', expression: 'list(user = "ana", groups = 1:2)', message: /groups must be a character vector/ },
    { name: 'list groups', expression: 'list(user = "ana", groups = list("analysts"))', message: /groups must be a character vector/ },
    { name: 'NA group', expression: 'list(user = "ana", groups = c("analysts", NA))', message: /groups must be a character vector/ },
    { name: 'infinite lifetime', expression: 'list(user = "ana", lifetime_s = Inf)', message: /lifetime_s must be a finite number/ },
    { name: 'NaN lifetime', expression: 'list(user = "ana", lifetime_s = NaN)', message: /lifetime_s must be a finite number/ },
    { name: 'NA lifetime', expression: 'list(user = "ana", lifetime_s = NA_real_)', message: /lifetime_s must be a finite number/ },
    { name: 'zero lifetime', expression: 'list(user = "ana", lifetime_s = 0)', message: /lifetime_s must be a finite number/ },
    { name: 'negative lifetime', expression: 'list(user = "ana", lifetime_s = -60)', message: /lifetime_s must be a finite number/ },
    { name: 'two-second lifetime', expression: 'list(user = "ana", lifetime_s = 2)', message: /lifetime_s must be a finite number/ },
    { name: 'string lifetime', expression: 'list(user = "ana", lifetime_s = "900")', message: /lifetime_s must be a finite number/ },
  ];

  for (const { name, expression, message } of invalidArguments) {
    it(`stops on ${name}`, async (t) => {
      if (skipReason) return t.skip(skipReason);
      const result = await mintFromR(expression);

      assert.equal(result.failed, true);
      assert.equal(result.token, '');
      assert.match(result.stderr, message);
    });
  }

  it('accepts the minimum lifetime', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const result = await mintFromR('list(user = "ana", lifetime_s = 10, issuer = "shiny-app", audience = "connect-refresh")');

    assert.equal(result.stderr, '');
    assert.deepEqual(await (await verifier()).verify(result.token), { user: 'ana', groups: [] });
  });
});
