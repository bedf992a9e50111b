/**
 * The Dash example without Dash, which is not installed here. Its token minter runs with python3
 * against the gateway's JWT check. Chromium loads the page that the app's layout produces, with
 * the app's assets folder, against a real gateway and stand-in.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import {
  type Closable,
  HTML,
  JAVASCRIPT,
  type NodeStandIn,
  startHostGateway,
  startNodeStandIn,
  startSite,
} from './host-servers.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const dashDir = `${repoDir}demo/dash/`;
const assetsDir = `${dashDir}assets/`;
const SECRET_ENV = 'DASH_TEST_JWT_SECRET';

interface MintOptions {
  secret: string;
  user: string;
  groups?: string[];
  lifetime_s?: number;
  issuer?: string;
  audience?: string;
  now?: number;
}

/** Calls `mint_token` of demo/dash/refresh_token.py with python3; rejects with its stderr. */
function mintWithPython(options: MintOptions): Promise<string> {
  return mintWithPythonJson(JSON.stringify(options));
}

/**
 * Calls `mint_token` with the keyword arguments in `json`, which Python's json module reads,
 * so it may contain `Infinity` and `NaN`.
 */
function mintWithPythonJson(json: string): Promise<string> {
  const script = 'import json, sys\nfrom refresh_token import mint_token\n' +
    'print(mint_token(**json.loads(sys.argv[1])))';
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', script, json],
      { cwd: dashDir, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr || String(error))) : resolve(stdout.trim())));
  });
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Reads the report's status with a bearer token; returns the status and the error code. */
async function readStatus(gatewayUrl: string, token: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${gatewayUrl}/v1/reports/orders`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code };
}

const REPORT_ACCESS = { refresh: { groups: ['analysts'] }, read: { groups: ['analysts'] } };

/**
 * Returns the page that app.py's layout renders to, with small scripts in place of Dash. Dash
 * adds each .js file of assets/ as a classic script in name order. Its renderer provides
 * `dash_clientside.set_props`, which this page records in `window.setPropsCalls`. The first
 * call of the clientside callback passes the `refresh-config` store to `connectRefresh.mount`.
 */
function dashPage(gatewayUrl: string): string {
  const assets = readdirSync(assetsDir).filter((name) => name.endsWith('.js')).sort();
  const config = {
    slot: 'refresh-slot', done: 'refresh-done', gateway: gatewayUrl, report: 'orders',
    tokenUrl: '/connect-refresh/token',
  };
  return `<!doctype html><html lang="en"><head><title>Orders</title></head><body>
<div id="react-entry-point"><div><h1>Orders by region</h1><div id="refresh-slot"></div>
<p id="rendered-at"></p><table id="orders"></table></div></div>
<script>
  window.setPropsCalls = [];
  window.dash_clientside = {
    no_update: { noUpdate: true },
    set_props: (id, props) => window.setPropsCalls.push([id, props]),
  };
</script>
${assets.map((name) => `<script src="/assets/${name}"></script>`).join('\n')}
<script>
  window.mountResult = window.dash_clientside.connectRefresh.mount(${JSON.stringify(config)});
</script>
</body></html>`;
}

describe('Dash example', { skip: hasPython() ? false : 'python3 is not installed' }, () => {
  const secret = randomBytes(36).toString('base64url');
  let standIn: NodeStandIn;
  let site: Closable;
  let gateway: Closable;
  let browser: Browser | undefined;
  const env = { [SECRET_ENV]: secret };

  before(async () => {
    execFileSync(process.execPath, ['scripts/dash-assets.mjs'], { cwd: repoDir, stdio: 'ignore' });
    standIn = await startNodeStandIn();
    site = await startSite(async (path) => {
      if (path === '/') {
        return { type: HTML, body: dashPage(gateway.url) };
      }
      if (path === '/connect-refresh/token') {
        return { type: 'text/plain', body: await mintWithPython({ secret, user: 'analyst', groups: ['analysts'] }) };
      }
      const asset = /^\/assets\/([\w.-]+\.js)$/.exec(path)?.[1];
      return asset ? { type: JAVASCRIPT, body: readFileSync(`${assetsDir}${asset}`) } : undefined;
    });
    gateway = await startHostGateway(standIn, {
      auth: { anonymous: false, jwt: { algorithm: 'HS256', secret_env: SECRET_ENV, max_lifetime_s: 900 } },
      cors: { origins: [site.url] },
      report: REPORT_ACCESS,
    }, env);
  });

  after(async () => {
    await browser?.close();
    await gateway?.close();
    await site?.close();
    await standIn?.close();
  });

  it('Python token reads the report', async () => {
    const token = await mintWithPython({ secret, user: 'analyst', groups: ['analysts'] });
    assert.deepEqual(await readStatus(gateway.url, token), { status: 200, code: undefined });
  });

  it('token of another secret is rejected', async () => {
    const token = await mintWithPython({ secret: randomBytes(36).toString('base64url'), user: 'analyst', groups: ['analysts'] });
    assert.deepEqual(await readStatus(gateway.url, token), { status: 401, code: 'unauthenticated' });
  });

  it('expired Python token is rejected', async () => {
    const now = Math.floor(Date.now() / 1000) - 3600;
    const token = await mintWithPython({ secret, user: 'analyst', groups: ['analysts'], now });
    assert.deepEqual(await readStatus(gateway.url, token), { status: 401, code: 'token_expired' });
  });

  it('token beyond the maximum lifetime is rejected', async () => {
    const token = await mintWithPython({ secret, user: 'analyst', groups: ['analysts'], lifetime_s: 3600 });
    assert.deepEqual(await readStatus(gateway.url, token), { status: 401, code: 'unauthenticated' });
  });

  it('user outside the groups is forbidden', async () => {
    const token = await mintWithPython({ secret, user: 'visitor', groups: ['staff'] });
    assert.deepEqual(await readStatus(gateway.url, token), { status: 403, code: 'forbidden' });
  });

  it('issuer and audience must match', async () => {
    const checking = await startHostGateway(standIn, {
      auth: {
        anonymous: false,
        jwt: { algorithm: 'HS256', secret_env: SECRET_ENV, issuer: 'dash-app', audience: 'connect-refresh' },
      },
      report: REPORT_ACCESS,
    }, env);
    try {
      const user = { secret, user: 'analyst', groups: ['analysts'] };
      const matching = await mintWithPython({ ...user, issuer: 'dash-app', audience: 'connect-refresh' });
      const otherAudience = await mintWithPython({ ...user, issuer: 'dash-app', audience: 'another-service' });
      assert.deepEqual(await readStatus(checking.url, matching), { status: 200, code: undefined });
      assert.deepEqual(await readStatus(checking.url, otherAudience), { status: 401, code: 'unauthenticated' });
    } finally {
      await checking.close();
    }
  });

  it('minter rejects a short secret', async () => {
    await assert.rejects(mintWithPython({ secret: 'too-short', user: 'analyst' }), /at least 32/);
  });

  const invalidArguments: Array<{ name: string; fields: string; message: RegExp }> = [
    { name: 'a string of groups', fields: '"user": "analyst", "groups": "analysts"', message: /groups must be a list of strings/ },
    { name: 'a number in groups', fields: '"user": "analyst", "groups": ["analysts", 7]', message: /groups must be a list of strings/ },
    { name: 'an empty user', fields: '"user": ""', message: /user must be a non-empty string/ },
    { name: 'a numeric user', fields: '"user": 42', message: /user must be a non-empty string/ },
    { name: 'a null user', fields: '"user": null', message: /user must be a non-empty string/ },
    { name: 'an infinite lifetime', fields: '"user": "analyst", "lifetime_s": Infinity', message: /lifetime_s must be a finite number/ },
    { name: 'a NaN lifetime', fields: '"user": "analyst", "lifetime_s": NaN', message: /lifetime_s must be a finite number/ },
    { name: 'a zero lifetime', fields: '"user": "analyst", "lifetime_s": 0', message: /lifetime_s must be a finite number/ },
    { name: 'a negative lifetime', fields: '"user": "analyst", "lifetime_s": -60', message: /lifetime_s must be a finite number/ },
    { name: 'a two-second lifetime', fields: '"user": "analyst", "lifetime_s": 2', message: /lifetime_s must be a finite number/ },
    { name: 'a string lifetime', fields: '"user": "analyst", "lifetime_s": "300"', message: /lifetime_s must be a finite number/ },
    { name: 'a boolean lifetime', fields: '"user": "analyst", "lifetime_s": true', message: /lifetime_s must be a finite number/ },
  ];

  for (const { name, fields, message } of invalidArguments) {
    it(`minter rejects ${name}`, async () => {
      const json = `{"secret": ${JSON.stringify(secret)}, ${fields}}`;
      await assert.rejects(mintWithPythonJson(json), message);
    });
  }

  it('minter accepts the minimum lifetime', async () => {
    const token = await mintWithPython({ secret, user: 'analyst', groups: ['analysts'], lifetime_s: 10 });
    assert.deepEqual(await readStatus(gateway.url, token), { status: 200, code: undefined });
  });

  it('page reports a completion to Dash', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    try {
      await page.goto(`${site.url}/`);
      await page.waitForSelector('#refresh-slot connect-refresh-button[status="idle"]');
      await page.locator('#refresh-slot connect-refresh-button button').click();
      await page.waitForSelector('#refresh-slot connect-refresh-button[status="succeeded"]');
      const calls = await page.evaluate(() => (window as unknown as { setPropsCalls: unknown[] }).setPropsCalls);
      assert.equal(calls.length, 1);
      const [id, props] = calls[0] as [string, { data: Record<string, unknown> }];
      assert.equal(id, 'refresh-done');
      assert.equal(props.data.report, 'orders');
      assert.equal(props.data.state, 'succeeded');
      assert.equal(typeof props.data.handle, 'string');
      assert.match(String(props.data.lastRenderedAt), /^\d{4}-\d{2}-\d{2}T/);
      const mountResult = await page.evaluate(() => (window as unknown as { mountResult: unknown }).mountResult);
      assert.deepEqual(mountResult, { noUpdate: true }, 'the clientside callback leaves its output as it is');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
