/**
 * Page cost: 100 elements on one page in Chromium, mounted and removed several times. Measures
 * the mount time, live timers, open requests and JS heap, for the element and for the same
 * number of minimal Lit elements and of Shoelace assemblies.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startBenchSite, type BenchSite } from '../browser-site.js';
import { buildBundles } from '../bundle/build-bundle.js';
import { describeMachine } from '../machine.js';
import { ServerProcess } from '../servers/server-handle.js';
import { REPORT_NAME } from '../servers/server-roles.js';
import { formatMegabytes, formatMs, markdownTable, median, verdict } from '../stats.js';
import { liveTimersInPage, mountInPage, removeAllInPage, type LiveTimers, type MountRequest } from './page-steps.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const ELEMENTS = 100;
const MOUNTS = 5;
/** Maximum wait for timers and requests to end after the removal, in ms. */
const SETTLE_LIMIT_MS = 3000;
const SETTLE_POLL_MS = 20;

interface Candidate {
  name: string;
  script: string;
  tag: string;
  /** Attributes of each element, given the gateway's URL. */
  attributes: (gatewayUrl: string) => Record<string, string>;
  readyStatus: string | null;
}

const CANDIDATES: Candidate[] = [
  {
    name: 'connect-refresh-button, following a running render',
    script: '/connect-refresh-button.js',
    tag: 'connect-refresh-button',
    attributes: (gatewayUrl) => ({ gateway: gatewayUrl, report: REPORT_NAME }),
    readyStatus: 'running',
  },
  {
    name: 'Lit\'s floor: one minimal Lit element',
    script: '/lit-floor.js',
    tag: 'lit-floor-button',
    attributes: () => ({}),
    readyStatus: null,
  },
  {
    name: 'Shoelace assembly (button, spinner, progress bar, relative time)',
    script: '/shoelace-assembly.js',
    tag: 'shoelace-refresh-button',
    attributes: () => ({ running: '' }),
    readyStatus: null,
  },
];

interface MountResult {
  renderedMs: number;
  readyMs: number;
  timersMounted: number;
  requestsMounted: number;
  heapMountedBytes: number;
  timersRightAfterRemoval: number;
  timersAfterRemoval: number;
  requestsAfterRemoval: number;
  /** Time until no timer and no request was left, or null when some were left after SETTLE_LIMIT_MS. */
  settledMs: number | null;
}

interface CandidateResult {
  candidate: Candidate;
  heapEmptyBytes: number;
  heapAfterLastRemovalBytes: number;
  mounts: MountResult[];
}

function totalTimers(timers: LiveTimers): number {
  return timers.timeouts + timers.intervals + timers.frames;
}

/** Counts the page's requests to `origin` that have neither finished nor failed. */
function trackOpenRequests(page: Page, origin: string): { open: number } {
  const tracker = { open: 0 };
  const isTracked = (url: string) => url.startsWith(origin);
  page.on('request', (request) => {
    if (isTracked(request.url())) tracker.open += 1;
  });
  const onEnd = (request: { url(): string }) => {
    if (isTracked(request.url())) tracker.open -= 1;
  };
  page.on('requestfinished', onEnd);
  page.on('requestfailed', onEnd);
  return tracker;
}

async function heapUsedBytes(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  try {
    await session.send('HeapProfiler.collectGarbage');
    const { usedSize } = await session.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await session.detach();
  }
}

async function mountOnce(page: Page, request: MountRequest, requests: { open: number }): Promise<MountResult> {
  const timing = await page.evaluate(mountInPage, request);
  const timersMounted = totalTimers(await page.evaluate(liveTimersInPage));
  const requestsMounted = requests.open;
  const heapMountedBytes = await heapUsedBytes(page);

  const removedAt = Date.now();
  const timersRightAfterRemoval = totalTimers(await page.evaluate(removeAllInPage));
  let timers = timersRightAfterRemoval;
  let settledMs: number | null = null;
  while (Date.now() - removedAt < SETTLE_LIMIT_MS) {
    timers = totalTimers(await page.evaluate(liveTimersInPage));
    if (timers === 0 && requests.open === 0) {
      settledMs = Date.now() - removedAt;
      break;
    }
    await delay(SETTLE_POLL_MS);
  }
  return {
    ...timing,
    timersMounted,
    requestsMounted,
    heapMountedBytes,
    timersRightAfterRemoval,
    timersAfterRemoval: timers,
    requestsAfterRemoval: requests.open,
    settledMs,
  };
}

async function measureCandidate(candidate: Candidate, browser: Browser, site: BenchSite, gatewayUrl: string): Promise<CandidateResult> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  try {
    await page.addInitScript({ content: await readFile(`${repoDir}bench/pages/timer-census.js`, 'utf8') });
    const requests = trackOpenRequests(page, gatewayUrl);
    const path = `/page-cost${candidate.script.replace('.js', '')}`;
    site.setPage(path, `<!doctype html><html lang="en"><title>Page cost</title>
<script type="module" src="${candidate.script}"></script>
<div id="host"></div>`);
    await page.goto(`${site.url}${path}`);
    await page.evaluate((tag) => customElements.whenDefined(tag).then(() => undefined), candidate.tag);
    const heapEmptyBytes = await heapUsedBytes(page);

    const request: MountRequest = {
      tag: candidate.tag,
      count: ELEMENTS,
      attributes: candidate.attributes(gatewayUrl),
      readyStatus: candidate.readyStatus,
    };
    const mounts: MountResult[] = [];
    for (let mount = 0; mount < MOUNTS; mount += 1) {
      mounts.push(await mountOnce(page, request, requests));
    }
    const heapAfterLastRemovalBytes = await heapUsedBytes(page);
    if (pageErrors.length > 0) {
      throw new Error(`The page of ${candidate.tag} threw: ${pageErrors.join('; ')}`);
    }
    return { candidate, heapEmptyBytes, heapAfterLastRemovalBytes, mounts };
  } finally {
    await page.close();
  }
}

function resultRow(result: CandidateResult): string[] {
  const mounts = result.mounts;
  const maximum = (pick: (mount: MountResult) => number) => Math.max(...mounts.map(pick));
  const settled = mounts.every((mount) => mount.settledMs !== null);
  return [
    result.candidate.name,
    formatMs(median(mounts.map((mount) => mount.renderedMs))),
    formatMs(median(mounts.map((mount) => mount.readyMs))),
    String(maximum((mount) => mount.timersMounted)),
    String(maximum((mount) => mount.requestsMounted)),
    formatMegabytes(median(mounts.map((mount) => mount.heapMountedBytes)) - result.heapEmptyBytes),
    formatMegabytes(result.heapAfterLastRemovalBytes - result.heapEmptyBytes),
    String(maximum((mount) => mount.timersAfterRemoval)),
    String(maximum((mount) => mount.requestsAfterRemoval)),
    settled ? formatMs(median(mounts.map((mount) => mount.settledMs!))) : `not within ${SETTLE_LIMIT_MS / 1000} s`,
  ];
}

function describeRightAfterRemoval(timers: number): string {
  return timers === 0
    ? 'The element stops its timers in the same task that removes it.'
    : `Right after a removal, in the same task, the element's page still had up to ${timers} live timers.`;
}

async function serveFixture(site: BenchSite, path: string, entry: string): Promise<void> {
  const bundles = await buildBundles(entry, repoDir);
  site.setScript(path, bundles.find((bundle) => bundle.format === 'es')!.code);
}

/** Runs the page cost benchmark and returns its BENCHMARKS.md section. */
export async function runPageCostBenchmark(): Promise<string> {
  const site = await startBenchSite();
  await serveFixture(site, '/lit-floor.js', 'bench/bundle/fixtures/lit-floor.ts');
  await serveFixture(site, '/shoelace-assembly.js', 'bench/bundle/fixtures/shoelace-assembly.ts');
  const standIn = await ServerProcess.start({ role: 'stand-in', renderLineIntervalMs: 0 });
  const gateway = await ServerProcess.start({
    role: 'gateway', standInUrl: standIn.url, apiKey: standIn.apiKey!, log: 'none', corsOrigins: [site.url],
  });
  const browser = await launchChromium();
  const results: CandidateResult[] = [];
  try {
    const refresh = await fetch(`${gateway.url}/v1/reports/${REPORT_NAME}/refresh`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    if (refresh.status !== 202) {
      throw new Error(`Starting the render failed with HTTP ${refresh.status}: ${await refresh.text()}`);
    }
    await standIn.waitForHeldRender();
    for (const candidate of CANDIDATES) {
      results.push(await measureCandidate(candidate, browser, site, gateway.url));
    }
    await standIn.release();
  } finally {
    await browser.close();
    await gateway.close();
    await standIn.close();
    await site.close();
  }

  const element = results[0]!;
  const clean = element.mounts.every((mount) => mount.timersAfterRemoval === 0 && mount.requestsAfterRemoval === 0);

  return `## Page cost

Command: \`npm run bench -- --only page\` (bench/page-cost/page-cost.ts).
Machine: ${describeMachine([`Chromium ${browser.version()}`])}.

Each page mounts ${ELEMENTS} elements at once into one container, measures, removes them all,
and does this ${MOUNTS} times. The elements follow one render that runs all the time, through
the gateway on 127.0.0.1, so they share one status read and one long-poll. The Lit floor and
the Shoelace assembly (bench/bundle/fixtures) talk to no server, and the Shoelace relative
time updates itself (\`sync\`). bench/pages/timer-census.js, added before every other script
of the page, counts live timers: timeouts neither fired nor cleared, intervals not cleared,
and animation frames neither run nor cancelled. Open requests are the page's requests to the
gateway that have neither finished nor failed, as Playwright reports them. Heap is
\`Runtime.getHeapUsage\` after a forced garbage collection, minus the heap of the page before
the first mount.

Mount times are medians over the mounts: "first render" until every element finished its
first update, "ready" until every element showed the running render. Counts are the largest
over the mounts. "Mounted" counts are taken once every element is ready, and "after removal"
counts once both reached zero or ${SETTLE_LIMIT_MS / 1000} s passed. "Time to zero" is the
median time from the removal until both were zero, as seen from the benchmark, which reads
the page every ${SETTLE_POLL_MS} ms; each read takes a few ms itself.

${markdownTable(
    ['page', 'first render', 'ready', 'timers mounted', 'requests mounted', 'heap mounted', 'heap after removals', 'timers after removal', 'requests after removal', 'time to zero'],
    results.map(resultRow),
  )}

**Target: zero timers and zero open requests after removing the elements: ${verdict(clean)}.**
${describeRightAfterRemoval(Math.max(...element.mounts.map((mount) => mount.timersRightAfterRemoval)))}
`;
}
