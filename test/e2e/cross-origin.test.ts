/**
 * The drop-in bundle on a page of another origin, with a bearer token: Chromium sends a CORS
 * preflight for the Authorization header, and the gateway grants it only to listed origins.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { parseGatewayConfig, startGateway } from '../../src/gateway/index.js';
import { parseStandInConfig, startStandIn, type StandIn } from '../../src/stand-in/index.js';
import { launchChromium } from './browser.js';

const bundleFile = fileURLToPath(new URL('../../dist/browser/connect-refresh-button.js', import.meta.url));
const GUID = '6a3b4c5d-0000-4000-8000-0000000c0de5';

interface PageServer {
  server: Server;
  origin: string;
  /** Sets the gateway address that the page's element uses. */
  useGateway(url: string): void;
}

/** Serves one page and the ES bundle, as a dashboard host on its own origin would. */
async function startPageServer(token: string): Promise<PageServer> {
  const bundle = await readFile(bundleFile);
  let gatewayUrl = '';
  const server = createServer((request, response) => {
    const page = `<!doctype html><html lang="en"><title>Cross-origin dashboard</title>
<script type="module" src="/connect-refresh-button.js"></script>
<connect-refresh-button gateway="${gatewayUrl}" report="orders" token="${token}"></connect-refresh-button>`;
    if (request.url === '/connect-refresh-button.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    useGateway: (url) => {
      gatewayUrl = url;
    },
  };
}

describe('element on another origin', () => {
  const apiKey = randomBytes(24).toString('base64url');
  const token = randomBytes(24).toString('base64url');
  let dir: string;
  let standIn: StandIn;
  let browser: Browser;
  const closers: Array<() => Promise<unknown>> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cross-origin-'));
    await writeFile(join(dir, 'render.mjs'), "console.log('rendered');\n");
    standIn = await startStandIn({
      config: parseStandInConfig({
        users: [{ username: 'publisher', api_key: apiKey, role: 'publisher' }],
        content: [{
          guid: GUID, name: 'orders', title: 'Orders', app_mode: 'rmd-static', source: '.',
          command: [process.execPath, 'render.mjs'], permissions: { publisher: 'owner' },
        }],
      }),
      configDir: dir,
      port: 0,
    });
    browser = await launchChromium();
  });

  after(async () => {
    for (const close of closers.reverse()) await close();
    await browser?.close();
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts a gateway that admits one bearer token and allows the given origins. */
  async function gatewayAllowing(origins: string[]): Promise<string> {
    const gateway = await startGateway({
      config: parseGatewayConfig({
        auth: {
          anonymous: false,
          bearer_tokens: [{ name: 'dashboard', sha256: createHash('sha256').update(token).digest('hex') }],
        },
        cors: { origins },
        reports: { orders: { guid: GUID, refresh: { users: [], groups: [], tokens: ['dashboard'] } } },
      }),
      connect: { server: standIn.url, apiKey },
      port: 0,
    });
    closers.push(() => gateway.close());
    return gateway.url;
  }

  async function startPage(): Promise<PageServer> {
    const pageServer = await startPageServer(token);
    closers.push(() => new Promise((resolve) => pageServer.server.close(resolve)));
    return pageServer;
  }

  async function openPage(pageServer: PageServer) {
    const page = await browser.newPage();
    closers.push(() => page.close());
    await page.goto(`${pageServer.origin}/`);
    return page;
  }

  it('refreshes from an allowed origin', async () => {
    const pageServer = await startPage();
    pageServer.useGateway(await gatewayAllowing([pageServer.origin]));
    const page = await openPage(pageServer);
    await page.waitForSelector('connect-refresh-button[status="idle"]');
    await page.locator('connect-refresh-button button').click();
    await page.waitForSelector('connect-refresh-button[status="succeeded"]');
    assert.ok(await page.locator('connect-refresh-button time').getAttribute('datetime'));
  });

  it('fails from an origin not on the list', async () => {
    const pageServer = await startPage();
    const gatewayUrl = await gatewayAllowing(['https://dashboards.example.com']);
    pageServer.useGateway(gatewayUrl);
    const page = await openPage(pageServer);
    // A refused preflight reads as a network error to the page, so the element shows a
    // failure it retries later rather than a permanent refusal.
    await page.waitForSelector('connect-refresh-button[status="failed"]');
    const hint = (await page.locator('connect-refresh-button [part="detail"] p').textContent()) ?? '';
    assert.match(hint, /may not allow requests from/);
    assert.ok(hint.includes(`add ${pageServer.origin} to cors.origins`), hint);
    assert.ok(hint.includes(new URL(gatewayUrl).origin), hint);
    const jobs = await fetch(`${standIn.url}/__api__/v1/content/${GUID}/jobs`, {
      headers: { authorization: `Key ${apiKey}` },
    });
    const before = ((await jobs.json()) as unknown[]).length;
    const refused = page.waitForEvent('requestfailed', (request) => request.url().startsWith(gatewayUrl));
    await page.locator('connect-refresh-button button').click();
    await refused;
    const after = await fetch(`${standIn.url}/__api__/v1/content/${GUID}/jobs`, {
      headers: { authorization: `Key ${apiKey}` },
    });
    assert.equal(((await after.json()) as unknown[]).length, before, 'no render started');
  });
});
