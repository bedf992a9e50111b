/**
 * The Shiny demo in Chromium: the button arrives through renderUI with a token that R minted,
 * and each completed refresh fires the server's observer, which reads data.csv again.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { hasShiny, SHINY_PACKAGES, startShinyDemo, type ShinyDemo } from '../../demo/shiny/start.js';
import { launchChromium } from './browser.js';

const builtBundleDir = fileURLToPath(new URL('../../dist/browser/', import.meta.url));
const BUNDLE_FILES = ['connect-refresh-button.iife.js', 'connect-refresh-button.js'];
/** Files that an app keeps beside the bundle when it passes bundle_dir = ".". */
const PRIVATE_FILES = { '.Renviron': 'CONNECT_REFRESH_JWT_SECRET=placeholder-not-a-secret\n', 'app.R': '# app\n' };

/**
 * Copies the built bundle into a new temporary directory together with the app's private
 * files, like an app directory that contains the bundle.
 */
async function bundleDirWithPrivateFiles(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'connect-refresh-shiny-'));
  for (const name of BUNDLE_FILES) {
    await copyFile(join(builtBundleDir, name), join(dir, name));
  }
  for (const [name, text] of Object.entries(PRIVATE_FILES)) {
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** The Node render takes about 2 s; this bounds the wait, it is not a target. */
const RENDER_TIMEOUT_MS = 60_000;

async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').trim();
}

/** Waits until the output `selector` shows `expected`. */
async function untilText(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([target, value]) => document.querySelector(target!)?.textContent?.trim() === value,
    [selector, expected],
    { timeout: RENDER_TIMEOUT_MS },
  );
}

/** Clicks the button and waits until the element shows the render's success. */
async function refresh(page: Page): Promise<void> {
  await page.locator('#orders_refresh button').click();
  await page.waitForSelector('#orders_refresh[status="running"]', { timeout: RENDER_TIMEOUT_MS });
  await page.waitForSelector('#orders_refresh[status="succeeded"]', { timeout: RENDER_TIMEOUT_MS });
}

describe('Shiny demo', () => {
  let browser: Browser;
  let demo: ShinyDemo | undefined;
  let bundleDir: string | undefined;
  let skipReason: string | null = null;

  before(async () => {
    if (!(await hasShiny())) {
      skipReason = `R with ${SHINY_PACKAGES.join(', ')} is not installed; ` +
        'scripts/setup-system.sh installs them';
      return;
    }
    browser = await launchChromium();
    bundleDir = await bundleDirWithPrivateFiles();
    demo = await startShinyDemo({ standInPort: 0, gatewayPort: 0, withoutR: true, bundleDir });
  });

  after(async () => {
    await demo?.close();
    await browser?.close();
    if (bundleDir !== undefined) await rm(bundleDir, { recursive: true, force: true });
  });

  it('re-reads the data after each refresh', { timeout: 4 * RENDER_TIMEOUT_MS }, async (t) => {
    if (skipReason !== null || demo === undefined) {
      t.skip(skipReason ?? 'the Shiny demo did not start');
      return;
    }
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    try {
      await page.goto(demo.appUrl);
      // Idle means the gateway accepted the R-minted token for the status read.
      await page.waitForSelector('#orders_refresh[status="idle"]', { timeout: RENDER_TIMEOUT_MS });
      assert.equal(await textOf(page, '#read_count'), '0');
      assert.equal(await textOf(page, '#last_completion'), 'none');
      assert.equal(await textOf(page, '#rendered_at'), 'not rendered yet');
      assert.equal(await page.locator('#orders tbody tr').count(), 0);

      await refresh(page);
      await untilText(page, '#read_count', '1');
      assert.equal(await textOf(page, '#last_completion'), '#1 success (succeeded)');
      assert.equal(await page.locator('#orders tbody tr').count(), 4);
      const first = await textOf(page, '#rendered_at');
      assert.match(first, /^\d{4}-\d{2}-\d{2}T/);

      await refresh(page);
      await untilText(page, '#read_count', '2');
      assert.equal(await textOf(page, '#last_completion'), '#2 success (succeeded)');
      const second = await textOf(page, '#rendered_at');
      assert.notEqual(second, first, 'the second read shows the second render');
      assert.deepEqual(pageErrors, []);
    } finally {
      await page.close();
    }
  });

  it('serves no file beside the bundle', { timeout: 2 * RENDER_TIMEOUT_MS }, async (t) => {
    if (skipReason !== null || demo === undefined) {
      t.skip(skipReason ?? 'the Shiny demo did not start');
      return;
    }
    const page = await browser.newPage();
    try {
      await page.goto(demo.appUrl);
      // Shiny registers the dependency's directory when renderUI sends the button.
      await page.waitForSelector('#orders_refresh[status="idle"]', { timeout: RENDER_TIMEOUT_MS });
      const src = await page.locator('script[src*="connect-refresh-button.iife.js"]').getAttribute('src');
      assert.ok(src, 'the page loads the classic bundle');
      const scriptUrl = new URL(src, demo.appUrl);
      assert.equal((await fetch(scriptUrl)).status, 200);

      for (const name of Object.keys(PRIVATE_FILES)) {
        const response = await fetch(new URL(name, scriptUrl));
        assert.equal(response.status, 404, `${name} beside the bundle is not served`);
      }
      const moduleResponse = await fetch(new URL('connect-refresh-button.js', scriptUrl));
      assert.equal(moduleResponse.status, 404, 'the unused ES module is not served');
    } finally {
      await page.close();
    }
  });
});
