/**
 * Status latency: the time from the moment the stand-in marks a render finished to the moment
 * the page shows it, in Chromium. It measures the element, which long-polls through the
 * gateway, and a page script that reads the status every 2 s. It also counts the requests
 * that each page sends to the gateway.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBenchSite, type BenchSite } from '../browser-site.js';
import { describeMachine } from '../machine.js';
import { ServerProcess } from '../servers/server-handle.js';
import { REPORT_NAME, type LogSetting } from '../servers/server-roles.js';
import { LOG_BATCH_MS } from '../../src/gateway/held-progress.js';
import { formatMs, markdownTable, median, percentile, seededRandom, verdict } from '../stats.js';
import { elementPage, pollerPage } from './latency-pages.js';

/** Short renders measured per page for the latency. */
const RENDERS = 10;
/** Length of the one long render per page whose requests per minute are counted. */
const LONG_RENDER_MS = 30_000;
/**
 * Each render runs for 0.5 to 2.5 s, drawn from a seeded sequence. The 2 s spread is one
 * polling interval, so a render's end falls at every phase of the poller's timer.
 */
const MIN_RENDER_MS = 500;
const RENDER_SPREAD_MS = 2000;
const SEED = 20_261_204;
/** Interval at which the held render prints a log line. */
const RENDER_LINE_INTERVAL_MS = 1000;
const TARGET_MEDIAN_MS = 150;

interface Variant {
  name: string;
  page: 'element' | 'poller';
  log: LogSetting;
}

const VARIANTS: Variant[] = [
  { name: 'element, long-poll, `log: none` (the default)', page: 'element', log: 'none' },
  { name: 'element, long-poll, `log: full`', page: 'element', log: 'full' },
  { name: 'page script polling the status every 2 s', page: 'poller', log: 'none' },
];

interface VariantResult {
  variant: Variant;
  latenciesMs: number[];
  /** Requests per render over the short renders. */
  requestsPerRender: number;
  /** Requests per minute while following the long render. */
  requestsPerMinute: number;
}

type BenchWindow = Window & {
  shownAt: number[];
  startPolledRefresh(gateway: string, report: string): Promise<void>;
};

/**
 * Starts a render from the page, lets it run for `renderMs`, ends it, and returns the time
 * from the stand-in's end of the task to the page showing it. `index` counts earlier renders.
 */
async function followOneRender(
  page: Page,
  variant: Variant,
  gatewayUrl: string,
  standIn: ServerProcess,
  renderMs: number,
  index: number,
): Promise<number> {
  if (variant.page === 'element') {
    await page.evaluate(() => document.querySelector('connect-refresh-button')!.startRefresh());
  } else {
    await page.evaluate(
      ([gateway, report]) => (window as unknown as BenchWindow).startPolledRefresh(gateway!, report!),
      [gatewayUrl, REPORT_NAME],
    );
  }
  await standIn.waitForHeldRender();
  await delay(renderMs);
  const finishedAtMs = await standIn.release();
  await page.waitForFunction(
    (count) => (window as unknown as BenchWindow).shownAt.length >= count,
    index + 1,
    { timeout: 30_000 },
  );
  const shownAtMs = await page.evaluate((at) => (window as unknown as BenchWindow).shownAt[at]!, index);
  return shownAtMs - finishedAtMs;
}

async function measureVariant(variant: Variant, standIn: ServerProcess, site: BenchSite, browser: Browser): Promise<VariantResult> {
  const gateway = await ServerProcess.start({
    role: 'gateway',
    standInUrl: standIn.url,
    apiKey: standIn.apiKey!,
    log: variant.log,
    corsOrigins: [site.url],
  });
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  try {
    const path = `/${variant.page}-${variant.log}`;
    site.setPage(path, variant.page === 'element' ? elementPage(gateway.url, REPORT_NAME) : pollerPage());
    await page.goto(`${site.url}${path}`);
    if (variant.page === 'element') {
      await page.waitForSelector('connect-refresh-button[status="idle"]');
    }

    const requestsBefore = await gateway.requestCount();
    const random = seededRandom(SEED);
    const latenciesMs: number[] = [];
    for (let index = 0; index < RENDERS; index += 1) {
      const renderMs = MIN_RENDER_MS + random() * RENDER_SPREAD_MS;
      latenciesMs.push(await followOneRender(page, variant, gateway.url, standIn, renderMs, index));
    }
    const requestsBeforeLong = await gateway.requestCount();
    const longStartedAt = Date.now();
    latenciesMs.push(await followOneRender(page, variant, gateway.url, standIn, LONG_RENDER_MS, RENDERS));
    const longMinutes = (Date.now() - longStartedAt) / 60_000;
    const longRequests = (await gateway.requestCount()) - requestsBeforeLong;

    if (pageErrors.length > 0) {
      throw new Error(`The ${variant.page} page threw: ${pageErrors.join('; ')}`);
    }
    return {
      variant,
      latenciesMs,
      requestsPerRender: (requestsBeforeLong - requestsBefore) / RENDERS,
      requestsPerMinute: longRequests / longMinutes,
    };
  } finally {
    await page.close();
    await gateway.close();
  }
}

function resultRow(result: VariantResult): string[] {
  return [
    result.variant.name,
    formatMs(median(result.latenciesMs)),
    formatMs(percentile(result.latenciesMs, 95)),
    `${formatMs(Math.min(...result.latenciesMs))} – ${formatMs(Math.max(...result.latenciesMs))}`,
    result.requestsPerMinute.toFixed(0),
    result.requestsPerRender.toFixed(1),
  ];
}

/** Runs the status latency benchmark and returns its BENCHMARKS.md section. */
export async function runLatencyBenchmark(): Promise<string> {
  const standIn = await ServerProcess.start({ role: 'stand-in', renderLineIntervalMs: RENDER_LINE_INTERVAL_MS });
  const site = await startBenchSite();
  const browser = await launchChromium();
  const results: VariantResult[] = [];
  try {
    for (const variant of VARIANTS) {
      results.push(await measureVariant(variant, standIn, site, browser));
    }
  } finally {
    await browser.close();
    await site.close();
    await standIn.close();
  }

  const elementMedians = results.filter((result) => result.variant.page === 'element').map((result) => median(result.latenciesMs));
  const pollerMedian = median(results.find((result) => result.variant.page === 'poller')!.latenciesMs);
  const targetMet = elementMedians.every((value) => value <= TARGET_MEDIAN_MS);
  const poller = results.find((result) => result.variant.page === 'poller')!;
  const elements = results.filter((result) => result.variant.page === 'element');
  const fewerRequests = elements.every((result) => result.requestsPerMinute < poller.requestsPerMinute);

  return `## Status latency

Command: \`npm run bench -- --only latency\` (bench/latency/status-latency.ts).
Machine: ${describeMachine([`Chromium ${browser.version()}`])}.

Each page follows ${RENDERS} short renders and then one of ${LONG_RENDER_MS / 1000} s in headless
Chromium, one after another. The stand-in, the gateway and the page's site run on 127.0.0.1
in separate processes. The short renders run for 0.5 to 2.5 s, a seeded sequence that is the
same for each page and spreads their ends over one 2 s polling interval. Every render prints
a log line each second.

Latency runs from the moment the stand-in marks the render's task finished to the moment the
page shows the end. For the element that is when its \`status\` attribute becomes
\`succeeded\`. Both times come from the machine's clock, read as
\`performance.timeOrigin + performance.now()\` in Node and in the page, over all
${RENDERS + 1} renders. Requests are all HTTP requests that reached the gateway, CORS
preflights included: per minute while the page followed the long render, and per render over
the short ones. The page script (bench/pages/interval-poller.js) reads the status through the
same gateway, so both pages pay the same server costs.

${markdownTable(
    ['page', 'median', 'p95', 'range', 'requests per minute', 'requests per render'],
    results.map(resultRow),
  )}

**Target: median at most ${TARGET_MEDIAN_MS} ms for the element on loopback: ${verdict(targetMet)}.**
The 2 s poller's median latency is ${(pollerMedian / Math.max(...elementMedians)).toFixed(0)} times the
element's.

**Target: fewer requests per minute than the 2 s poller: ${verdict(fewerRequests)}**
(${elements.map((result) => `${result.requestsPerMinute.toFixed(0)} with \`log: ${result.variant.log}\``).join(', ')},
against ${poller.requestsPerMinute.toFixed(0)}). With \`log: full\` the gateway ends a poll that new
log lines alone release no sooner than ${LOG_BATCH_MS / 1000} s after it began (LOG_BATCH_MS in
src/gateway/held-progress.ts), so the element sends about one poll per ${LOG_BATCH_MS / 1000} s while
a render prints, and still sees the render's end at once.
`;
}
