import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hasRMarkdown, startDemo, type Demo } from '../../demo/start.js';
import { launchChromium } from './browser.js';

const REPORT_GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
/** A real R Markdown render takes a few seconds; this bounds the wait, it is not a target. */
const RENDER_TIMEOUT_MS = 90_000;

async function renderedAt(page: Page): Promise<string> {
  return (await page.locator('#rendered-at').textContent()) ?? '';
}

/** Clicks the button and follows the element through running to succeeded. */
async function refresh(page: Page): Promise<void> {
  await page.locator('connect-refresh-button button').click();
  await page.waitForSelector('connect-refresh-button[status="running"]', { timeout: RENDER_TIMEOUT_MS });
  await page.waitForSelector('connect-refresh-button[status="succeeded"]', { timeout: RENDER_TIMEOUT_MS });
}

async function checkRefreshPath(demo: Demo, browser: Browser): Promise<void> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  try {
    await page.goto(demo.pageUrl);
    await page.waitForSelector('connect-refresh-button[status="idle"]');
    assert.match((await page.locator('#data-state').textContent()) ?? '', /not rendered yet/);
    assert.equal(await renderedAt(page), 'unknown');

    await refresh(page);
    const time = page.locator('connect-refresh-button time');
    assert.ok(await time.getAttribute('datetime'), 'the last-rendered time carries a datetime');
    await page.waitForFunction(() => document.querySelector('#rendered-at')?.textContent !== 'unknown');
    assert.equal(await page.locator('#orders tbody tr').count(), 4);
    const first = await renderedAt(page);

    await refresh(page);
    await page.waitForFunction(
      (previous) => document.querySelector('#rendered-at')?.textContent !== previous, first);
    assert.notEqual(await renderedAt(page), first);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
}

/** Returns the report's own "Rendered at …" sentence. */
async function reportRenderedAt(page: Page): Promise<string> {
  return (await page.getByText(/^Rendered at /).textContent()) ?? '';
}

/**
 * Opens the rendered report under /content/{guid}/, clicks the button that the report embeds,
 * and checks that the page reloads with the new render when the render succeeded.
 */
async function checkSelfRefreshingReport(demo: Demo, browser: Browser): Promise<void> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  try {
    await page.goto(demo.reportUrl);
    await page.waitForSelector('connect-refresh-button[status="idle"]');
    const before = await reportRenderedAt(page);
    assert.match(before, /^Rendered at \d{4}-/);
    await page.evaluate(() => {
      (window as unknown as { beforeReload: boolean }).beforeReload = true;
    });

    const reloaded = page.waitForEvent('load', { timeout: 2 * RENDER_TIMEOUT_MS });
    await page.locator('connect-refresh-button button').click();
    await reloaded;
    assert.equal(await page.evaluate(() => 'beforeReload' in window), false, 'the page reloaded');
    await page.waitForSelector('connect-refresh-button[status="idle"]');
    assert.notEqual(await reportRenderedAt(page), before);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
}

describe('demo dashboard', () => {
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  it('refreshes the R Markdown report from a click', { timeout: 4 * RENDER_TIMEOUT_MS }, async (t) => {
    if (!(await hasRMarkdown())) {
      t.skip('R with rmarkdown and pandoc is not installed; scripts/setup-system.sh installs them');
      return;
    }
    const demo = await startDemo({ standInPort: 0, gatewayPort: 0, pagePort: 0 });
    try {
      assert.equal(demo.rendersWithR, true);
      assert.equal(demo.reportHasButton, true, 'the classic build is next to the report');
      await checkRefreshPath(demo, browser);
      const report = await fetch(`${demo.standInUrl}/content/${REPORT_GUID}/`);
      const reportHtml = await report.text();
      assert.match(reportHtml, /<meta name="generator" content="pandoc"/);
      assert.match(reportHtml, /<connect-refresh-button gateway="\/gateway" report="orders">/);
      assert.doesNotMatch(reportHtml, /src="connect-refresh-button\.iife\.js"/, 'self_contained embeds the bundle');
      assert.doesNotMatch(reportHtml, /src\s*=\s*["']https?:/, 'the report loads no script from another host');
      await checkSelfRefreshingReport(demo, browser);
    } finally {
      await demo.close();
    }
  });

  it('refreshes with the Node script without R', { timeout: 4 * RENDER_TIMEOUT_MS }, async () => {
    const demo = await startDemo({ standInPort: 0, gatewayPort: 0, pagePort: 0, withoutR: true });
    try {
      assert.equal(demo.rendersWithR, false);
      await checkRefreshPath(demo, browser);
      const report = await fetch(`${demo.standInUrl}/content/${REPORT_GUID}/`);
      assert.match(await report.text(), /Written by the Node stand-in/);
      await checkSelfRefreshingReport(demo, browser);
    } finally {
      await demo.close();
    }
  });
});
