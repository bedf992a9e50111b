// Writes PNGs of <connect-refresh-button> in every status, in the light and the dark color
// scheme, to docs/screenshots/, with a gallery page docs/screenshots/README.md.
//
// It serves scripts/screenshots/page.html and the built bundle (dist/browser, from `vite build`)
// on 127.0.0.1, and drives Chromium at CHROME_PATH (default /usr/bin/chromium) with
// playwright-core. A gateway stub inside the page brings each element to its status, and the
// script only clicks buttons and waits for the reflected `status` attribute, so it does not
// depend on the element's internals. The browser clock is fixed, so times repeat between runs.
// NOTE: the running images still differ between runs, because Chromium moves its native
// indeterminate progress bar by itself and `animations: 'disabled'` does not stop it.
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';

const OUTPUT_DIR = 'docs/screenshots';
const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const FIXED_TIME = new Date('2026-12-04T15:10:00Z');
const SCHEMES = ['light', 'dark'];

/** Each status, what the stub gateway did to reach it, and whether the button is clicked. */
const STATUSES = [
  { status: 'idle', click: false, shows: 'The status was read; the report last rendered two hours ago.' },
  { status: 'starting', click: true, shows: 'The refresh request is on its way to the gateway.' },
  { status: 'running', click: false, shows: 'A render has run for 75 s; its log is in the closed block, and this person may cancel it.' },
  { status: 'succeeded', click: false, shows: 'The followed render has just finished.' },
  { status: 'failed', click: false, shows: 'The followed render failed; the R error is behind "Details".' },
  { status: 'unknown', click: false, shows: 'The gateway lost the followed render, so its outcome is unknown.' },
  { status: 'cancelled', click: false, shows: 'A report owner cancelled the followed render.' },
  { status: 'unavailable', click: false, shows: 'Connect rejected the gateway\'s API key (403).' },
  { status: 'cooldown', click: true, shows: 'The gateway asked to wait 4 minutes (429 with Retry-After).' },
];

/** Files the page server sends, by URL path. */
const FILES = {
  '/': 'scripts/screenshots/page.html',
  '/stub-gateway.js': 'scripts/screenshots/stub-gateway.js',
  '/connect-refresh-button.js': 'dist/browser/connect-refresh-button.js',
};

const CONTENT_TYPES = { '.html': 'text/html', '.js': 'text/javascript' };

async function checkInputs() {
  try {
    await access(FILES['/connect-refresh-button.js']);
  } catch {
    throw new Error(`${FILES['/connect-refresh-button.js']} is missing; run \`npx vite build\` first.`);
  }

  try {
    await access(CHROME_PATH);
  } catch {
    throw new Error(`Chromium not found at ${CHROME_PATH}; install it or set CHROME_PATH.`);
  }
}

/** Starts the page server on 127.0.0.1 at a free port and returns it with its base URL. */
async function startServer() {
  const server = createServer(async (request, response) => {
    const file = FILES[new URL(request.url, 'http://127.0.0.1').pathname];

    if (!file) {
      response.writeHead(404).end();
      return;
    }

    const body = await readFile(file);
    response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] }).end(body);
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { server, baseUrl: `http://127.0.0.1:${server.address().port}/` };
}

/** Opens the page in `scheme` and writes one PNG per status. */
async function captureScheme(browser, baseUrl, scheme) {
  const context = await browser.newContext({ colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.clock.setFixedTime(FIXED_TIME);
  await page.goto(baseUrl);

  for (const { status, click } of STATUSES) {
    const element = page.locator(`connect-refresh-button[report="${status}"]`);

    if (click) {
      await element.locator('button').click();
    }

    await page.locator(`connect-refresh-button[report="${status}"][status="${status}"]`).waitFor();
    await element.evaluate((node) => node.updateComplete);
    const path = join(OUTPUT_DIR, `${status}-${scheme}.png`);
    await page.locator(`figure[data-status="${status}"]`).screenshot({ path, animations: 'disabled' });
    console.log(`wrote ${path}`);
  }

  await context.close();
}

function galleryPage() {
  const rows = STATUSES.map(({ status, shows }) => {
    const images = SCHEMES.map((scheme) => `![${status}, ${scheme}](${status}-${scheme}.png)`);
    return `| \`${status}\` | ${shows} | ${images.join(' | ')} |`;
  });

  return [
    '# Screenshots of `<connect-refresh-button>`',
    '',
    'Each status in the light and the dark color scheme, in Chromium, with the default styles',
    'on a page with `color-scheme: light dark`. `npm run screenshots` writes this page and the',
    'images again, and a gateway stub inside the page brings each element to its status.',
    '',
    '| Status | What happened | Light | Dark |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

await checkInputs();
await mkdir(OUTPUT_DIR, { recursive: true });
const { server, baseUrl } = await startServer();
const browser = await chromium.launch({ executablePath: CHROME_PATH, args: ['--no-sandbox'] });

try {
  for (const scheme of SCHEMES) {
    await captureScheme(browser, baseUrl, scheme);
  }

  await writeFile(join(OUTPUT_DIR, 'README.md'), galleryPage());
  console.log(`wrote ${join(OUTPUT_DIR, 'README.md')}`);
} finally {
  await browser.close();
  server.close();
}
