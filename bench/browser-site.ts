/**
 * The browser side of the benchmarks: Debian's Chromium through playwright-core, as the
 * end-to-end tests launch it, and a static site on 127.0.0.1 that serves the benchmark pages,
 * the element's ES bundle from dist/browser and the scripts in bench/pages.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HTML, JAVASCRIPT, startSite, type Closable } from '../test/e2e/host-servers.js';

export { launchChromium } from '../test/e2e/browser.js';

const repoDir = fileURLToPath(new URL('../', import.meta.url));

/** A site whose pages the benchmark sets before it opens them. */
export interface BenchSite extends Closable {
  /** Serves `html` at `path`. */
  setPage(path: string, html: string): void;
  /** Serves `code` as JavaScript at `path`. */
  setScript(path: string, code: string): void;
}

/**
 * Starts the site with `/connect-refresh-button.js` (the built ES bundle) and
 * `/interval-poller.js` already in place.
 */
export async function startBenchSite(): Promise<BenchSite> {
  const files = new Map<string, { type: string; body: string }>();
  files.set('/connect-refresh-button.js', {
    type: JAVASCRIPT,
    body: await readFile(`${repoDir}dist/browser/connect-refresh-button.js`, 'utf8'),
  });
  files.set('/interval-poller.js', {
    type: JAVASCRIPT,
    body: await readFile(`${repoDir}bench/pages/interval-poller.js`, 'utf8'),
  });
  const site = await startSite((path) => files.get(path));

  return {
    ...site,
    setPage: (path, html) => files.set(path, { type: HTML, body: html }),
    setScript: (path, code) => files.set(path, { type: JAVASCRIPT, body: code }),
  };
}
