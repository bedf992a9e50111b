/**
 * The drop-in bundles in Chromium on a page of another origin than the gateway's: the ES module
 * through `<script type="module">`, the classic script through a plain `<script>`, both on one
 * page, and a bundle that loads after the page created the element and set its properties.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { VERSION } from '../../src/element/version.js';
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

const packageJson = JSON.parse(
  await readFile(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
) as { version: string; exports: Record<string, unknown> };

/** Reads a file of the package through its `exports` entry, as a bundler or CDN would. */
function exportedFile(entry: string): Promise<string> {
  const target = packageJson.exports[entry];
  assert.equal(typeof target, 'string', `package.json exports ${entry} as a file`);
  return readFile(fileURLToPath(new URL(`../../${target as string}`, import.meta.url)), 'utf8');
}

const esBundle = await exportedFile('./bundle');
const classicBundle = await exportedFile('./bundle.iife');

/** A version that no release has, for a second copy of the bundle. */
const OTHER_VERSION = '0.2.0-test';

/** Matches the package version as a string literal in a bundle, in any quotes. */
const versionLiteral = new RegExp(`(["'\`])${VERSION.replaceAll('.', '\\.')}\\1`, 'g');

/** Returns the bundle with its version literal replaced, as another release of the package. */
function withVersion(bundle: string, version: string): string {
  return bundle.replace(versionLiteral, (_match, quote: string) => `${quote}${version}${quote}`);
}

const SCRIPTS: Record<string, string> = {
  '/es.js': esBundle,
  '/classic.js': classicBundle,
  '/es-other.js': withVersion(esBundle, OTHER_VERSION),
  '/classic-other.js': withVersion(classicBundle, OTHER_VERSION),
};

/** Records the detail of every refresh event in `window.refreshEvents`. */
const RECORD_EVENTS = `<script>
  window.refreshEvents = [];
  for (const type of ['connect-refresh-start', 'connect-refresh-success', 'connect-refresh-error']) {
    document.addEventListener(type, (event) => window.refreshEvents.push({ type, ...event.detail }));
  }
</script>`;

interface PageLog {
  warnings: string[];
  errors: string[];
}

describe('drop-in bundles', () => {
  const token = randomBytes(24).toString('base64url');
  let standIn: NodeStandIn;
  let site: Closable;
  let openGateway: Closable;
  let tokenGateway: Closable;
  let browser: Browser;
  const pages = new Map<string, () => string>();

  before(async () => {
    standIn = await startNodeStandIn();
    site = await startSite((path) => {
      if (SCRIPTS[path] !== undefined) {
        return { type: JAVASCRIPT, body: SCRIPTS[path] };
      }
      const page = pages.get(path);
      return page ? { type: HTML, body: page() } : undefined;
    });
    const cors = { origins: [site.url] };
    openGateway = await startHostGateway(standIn, { cors });
    tokenGateway = await startHostGateway(standIn, {
      cors,
      auth: {
        anonymous: false,
        bearer_tokens: [{ name: 'dashboard', sha256: createHash('sha256').update(token).digest('hex') }],
      },
      report: {
        refresh: { users: [], groups: [], tokens: ['dashboard'] },
        read: { users: [], groups: [], tokens: ['dashboard'] },
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await tokenGateway?.close();
    await openGateway?.close();
    await site?.close();
    await standIn?.close();
  });

  /** Opens a page of the site, recording console warnings and uncaught errors. */
  async function open(path: string): Promise<{ page: Page; log: PageLog }> {
    const page = await browser.newPage();
    const log: PageLog = { warnings: [], errors: [] };
    page.on('console', (message) => {
      if (message.type() === 'warning') log.warnings.push(message.text());
    });
    page.on('pageerror', (error) => log.errors.push(String(error)));
    await page.goto(`${site.url}${path}`);
    return { page, log };
  }

  /** Clicks the element's button and waits until the render succeeded. */
  async function refresh(page: Page, selector = 'connect-refresh-button'): Promise<void> {
    await page.waitForSelector(`${selector}[status="idle"]`);
    await page.locator(`${selector} button`).click();
    await page.waitForSelector(`${selector}[status="succeeded"]`);
  }

  function buttonPage(scripts: string): () => string {
    return () => `<!doctype html><html lang="en"><title>Host page</title>
${scripts}
${RECORD_EVENTS}
<connect-refresh-button gateway="${openGateway.url}" report="orders"></connect-refresh-button>`;
  }

  it('builds both bundles from the package version', () => {
    assert.equal(VERSION, packageJson.version);
    assert.equal(esBundle.match(versionLiteral)?.length, 1, 'the ES bundle names the version once');
    assert.equal(classicBundle.match(versionLiteral)?.length, 1, 'the classic bundle names the version once');
  });

  it('ES module refreshes from another origin', async () => {
    pages.set('/es', buttonPage('<script type="module" src="/es.js"></script>'));
    const { page, log } = await open('/es');
    try {
      await refresh(page);
      const events = await page.evaluate(() => (window as unknown as { refreshEvents: unknown[] }).refreshEvents);
      assert.deepEqual(events.map((event) => (event as { type: string }).type),
        ['connect-refresh-start', 'connect-refresh-success']);
      assert.deepEqual(log, { warnings: [], errors: [] });
    } finally {
      await page.close();
    }
  });

  it('classic script refreshes from another origin', async () => {
    pages.set('/classic', buttonPage('<script src="/classic.js"></script>'));
    const { page, log } = await open('/classic');
    try {
      const global = await page.evaluate(() => {
        const { ConnectRefreshButton } = (window as unknown as { ConnectRefresh: { ConnectRefreshButton: { version: string } } }).ConnectRefresh;
        return {
          version: ConnectRefreshButton.version,
          registered: customElements.get('connect-refresh-button') === (ConnectRefreshButton as unknown),
        };
      });
      assert.deepEqual(global, { version: VERSION, registered: true });
      await refresh(page);
      assert.deepEqual(log, { warnings: [], errors: [] });
    } finally {
      await page.close();
    }
  });

  it('second copy of one version warns once', async () => {
    pages.set('/both', buttonPage('<script src="/classic.js"></script>\n<script type="module" src="/es.js"></script>'));
    const { page, log } = await open('/both');
    try {
      await refresh(page);
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.warnings, [
        `connect-refresh-button ${VERSION} is already defined; ignoring ${VERSION}.`,
      ]);
    } finally {
      await page.close();
    }
  });

  it('first of two versions wins', async () => {
    pages.set('/two-versions', buttonPage(
      '<script src="/classic.js"></script>\n<script type="module" src="/es-other.js"></script>'));
    const { page, log } = await open('/two-versions');
    try {
      const version = await page.evaluate(
        () => (customElements.get('connect-refresh-button') as unknown as { version: string }).version);
      assert.equal(version, VERSION);
      await refresh(page);
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.warnings, [
        `connect-refresh-button ${VERSION} is already defined; ignoring ${OTHER_VERSION}.`,
      ]);
    } finally {
      await page.close();
    }
  });

  it('later version loaded first wins', async () => {
    pages.set('/other-first', buttonPage(
      '<script src="/classic-other.js"></script>\n<script type="module" src="/es.js"></script>'));
    const { page, log } = await open('/other-first');
    try {
      await refresh(page);
      assert.deepEqual(log.errors, []);
      assert.deepEqual(log.warnings, [
        `connect-refresh-button ${OTHER_VERSION} is already defined; ignoring ${VERSION}.`,
      ]);
    } finally {
      await page.close();
    }
  });

  /**
   * A page that creates three elements and sets their properties, then loads the bundle: one
   * with `token`, one with `tokenProvider`, and one without credentials, which the gateway
   * rejects, so that the test shows the credentials matter.
   */
  function latePage(bundleTag: string): () => string {
    return () => `<!doctype html><html lang="en"><title>Late bundle</title>
<body>
<script>
  const token = ${JSON.stringify(token)};
  const gateway = ${JSON.stringify(tokenGateway.url)};
  const make = (id) => {
    const element = document.createElement('connect-refresh-button');
    element.id = id;
    element.gateway = gateway;
    element.report = 'orders';
    return element;
  };
  const withToken = make('with-token');
  withToken.token = token;
  const withProvider = make('with-provider');
  withProvider.tokenProvider = async () => token;
  document.body.append(withToken, withProvider, make('without-token'));
  window.definedBeforeBundle = customElements.get('connect-refresh-button') !== undefined;
  const script = document.createElement('script');
  ${bundleTag}
  document.head.append(script);
</script>
</body>`;
  }

  for (const [name, bundleTag] of [
    ['classic script', "script.src = '/classic.js';"],
    ['ES module', "script.type = 'module'; script.src = '/es.js';"],
  ] as const) {
    it(`${name} applies properties set before it loaded`, async () => {
      const path = `/late-${name.replace(' ', '-').toLowerCase()}`;
      pages.set(path, latePage(bundleTag));
      const { page, log } = await open(path);
      try {
        assert.equal(await page.evaluate(() => (window as unknown as { definedBeforeBundle: boolean }).definedBeforeBundle), false);
        await page.waitForSelector('#without-token[status="unavailable"]');
        await refresh(page, '#with-token');
        await refresh(page, '#with-provider');
        const attributes = await page.evaluate(() => [...document.querySelectorAll('connect-refresh-button')]
          .map((element) => element.hasAttribute('token')));
        assert.deepEqual(attributes, [false, false, false], 'the token never reaches an attribute');
        assert.deepEqual(log, { warnings: [], errors: [] });
      } finally {
        await page.close();
      }
    });
  }
});
