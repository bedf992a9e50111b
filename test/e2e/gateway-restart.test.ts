/**
 * A gateway restart while the element follows a render: the drop-in bundle in Chromium follows a
 * render of the real stand-in, the gateway stops and starts again on the same port with the same
 * handle secret, and the element sees the render's end through its old handle.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { parseGatewayConfig, startGateway } from '../../src/gateway/index.js';
import { parseStandInConfig, startStandIn, type StandIn } from '../../src/stand-in/index.js';
import { launchChromium } from './browser.js';

const bundleFile = fileURLToPath(new URL('../../dist/browser/connect-refresh-button.js', import.meta.url));
/** Holds `report/render.mjs`, a render that waits for a control file that the test writes. */
const fixturesDir = fileURLToPath(new URL('../gateway/fixtures/', import.meta.url));
const GUID = '6a3b4c5d-0000-4000-8000-00000000a5a5';
const SUITE_TIMEOUT_MS = 120_000;

type Gateway = Awaited<ReturnType<typeof startGateway>>;

interface PageServer {
  server: Server;
  origin: string;
  /** Sets the gateway address that the page's element uses. */
  useGateway(url: string): void;
}

/** Serves a page with the element and the ES bundle, on an origin of its own. */
async function startPageServer(): Promise<PageServer> {
  const bundle = await readFile(bundleFile);
  let gatewayUrl = '';
  const server = createServer((request, response) => {
    if (request.url === '/connect-refresh-button.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    const page = `<!doctype html><html lang="en"><title>Restart dashboard</title>
<script type="module" src="/connect-refresh-button.js"></script>
<connect-refresh-button gateway="${gatewayUrl}" report="orders"></connect-refresh-button>`;
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

/** Resolves once the element's reflected status is `status`. */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.waitForSelector(`connect-refresh-button[status="${status}"]`, { timeout: 30_000 });
}

describe('element across a gateway restart', { timeout: SUITE_TIMEOUT_MS }, () => {
  const apiKey = randomBytes(24).toString('base64url');
  const handleSecret = randomBytes(36).toString('base64');
  let controlDir: string;
  let standIn: StandIn;
  let browser: Browser;
  let gateway: Gateway | undefined;
  let pageServer: Server | undefined;

  before(async () => {
    controlDir = await mkdtemp(join(tmpdir(), 'gateway-restart-'));
    standIn = await startStandIn({
      config: parseStandInConfig({
        users: [{ username: 'publisher', api_key: apiKey, role: 'publisher' }],
        content: [{
          guid: GUID,
          name: 'orders',
          title: 'Orders',
          app_mode: 'rmd-static',
          source: 'report',
          command: [process.execPath, 'render.mjs', join(controlDir, 'orders.json')],
          permissions: { publisher: 'owner' },
        }],
      }),
      configDir: fixturesDir,
      host: '127.0.0.1',
      port: 0,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gateway?.close();
    await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
    await standIn?.close();
    await rm(controlDir, { recursive: true, force: true });
  });

  /** Starts a gateway for the stand-in on `port` (0 for a free one), with the suite's handle secret. */
  function launchGateway(port: number, pageOrigin: string): Promise<Gateway> {
    return startGateway({
      config: parseGatewayConfig({
        cors: { origins: [pageOrigin] },
        reports: { orders: { guid: GUID, log: 'full' } },
      }),
      connect: { server: standIn.url, apiKey },
      handleSecret,
      jobPollMs: 100,
      host: '127.0.0.1',
      port,
    });
  }

  /** Lets the stand-in's render finish with exit code 0. */
  async function finishRender(): Promise<void> {
    const path = join(controlDir, 'orders.json');
    // Written under another name first, because the render reads the file once it exists.
    await writeFile(`${path}.tmp`, JSON.stringify({ lines: ['Output created: index.html'], exitCode: 0 }));
    await rename(`${path}.tmp`, path);
  }

  it('sees the render end after a restart', async () => {
    const pages = await startPageServer();
    pageServer = pages.server;
    gateway = await launchGateway(0, pages.origin);
    const port = Number(new URL(gateway.url).port);
    pages.useGateway(gateway.url);

    const page = await browser.newPage();
    await page.goto(`${pages.origin}/`);
    await waitForStatus(page, 'idle');
    await page.locator('connect-refresh-button button').click();
    await waitForStatus(page, 'running');

    await gateway.close();
    await waitForStatus(page, 'unavailable');
    assert.match(
      await page.locator('connect-refresh-button').evaluate((el) => el.shadowRoot!.textContent ?? ''),
      /The render goes on/,
    );

    gateway = await launchGateway(port, pages.origin);
    await waitForStatus(page, 'running');
    await finishRender();
    await waitForStatus(page, 'succeeded');

    const jobs = await fetch(`${standIn.url}/__api__/v1/content/${GUID}/jobs`, {
      headers: { authorization: `Key ${apiKey}` },
    });
    assert.equal(((await jobs.json()) as unknown[]).length, 1, 'Connect ran one render');
    const time = await page.locator('connect-refresh-button time').getAttribute('datetime');
    assert.ok(time, 'the element shows the new render time');
    await page.close();
  });
});
