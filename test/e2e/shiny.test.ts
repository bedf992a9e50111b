/**
 * The Shiny demo in Chromium: the button arrives through renderUI with a token that R minted,
 * and each completed refresh fires the server's observer, which reads data.csv again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hasShiny, SHINY_PACKAGES, startShinyDemo, type ShinyDemo } from '../../demo/shiny/start.js';
import { launchChromium } from './browser.js';

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
  let skipReason: string | null = null;

  before(async () => {
    if (!(await hasShiny())) {
      skipReason = `R with ${SHINY_PACKAGES.join(', ')} is not installed; ` +
        'scripts/setup-system.sh installs them';
      return;
    }
    browser = await launchChromium();
    demo = await startShinyDemo({ standInPort: 0, gatewayPort: 0, withoutR: true });
  });

  after(async () => {
    await demo?.close();
    await browser?.close();
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
});
