/**
 * Starts the demo: the Connect stand-in with the orders report, the refresh gateway in front
 * of it, and the dashboard page on Vite's dev server. The dev server proxies `/gateway` to the
 * gateway and `/content` to the stand-in, so the page needs no CORS setup.
 */
import { execFile } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer, type ViteDevServer } from 'vite';
import { loadGatewayConfig, startGateway } from '../src/gateway/index.js';
import { loadStandInConfig, startStandIn } from '../src/stand-in/index.js';
import { closeOnSignal } from './close-on-signal.js';

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = fileURLToPath(new URL('..', import.meta.url));

export interface DemoOptions {
  host?: string;
  standInPort?: number;
  gatewayPort?: number;
  pagePort?: number;
  /** Render with the Node script even where R is installed. */
  withoutR?: boolean;
  /** pino log level of the stand-in and the gateway; default `warn`, so failures show. */
  logLevel?: string;
}

export interface Demo {
  pageUrl: string;
  /** The rendered report, which the stand-in serves under /content/{guid}/ through the page's server. */
  reportUrl: string;
  gatewayUrl: string;
  standInUrl: string;
  /** True when the report renders with R Markdown, false when the Node script renders it. */
  rendersWithR: boolean;
  /** True when the report carries the refresh button, which needs the classic build. */
  reportHasButton: boolean;
  close(): Promise<void>;
}

/** Resolves true when Rscript runs and has rmarkdown with a usable pandoc. */
export function hasRMarkdown(): Promise<boolean> {
  const check = 'quit(status = if (requireNamespace("rmarkdown", quietly = TRUE) && ' +
    'rmarkdown::pandoc_available()) 0 else 1)';
  return new Promise((resolve) => {
    execFile('Rscript', ['-e', check], { timeout: 30_000 }, (error) => resolve(error === null));
  });
}

/**
 * Copies the classic build of the element beside the report, which embeds it as its own refresh
 * button. Returns false when the build is missing, so the report renders without the button.
 */
async function copyBundleToReport(): Promise<boolean> {
  try {
    await copyFile(`${repoDir}dist/browser/connect-refresh-button.iife.js`,
      `${demoDir}report/connect-refresh-button.iife.js`);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

async function startPage(host: string, port: number, gatewayUrl: string, standInUrl: string) {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: demoDir,
    logLevel: 'warn',
    server: {
      host,
      port,
      strictPort: true,
      fs: { allow: [repoDir] },
      proxy: {
        '/gateway': { target: gatewayUrl, rewrite: (path) => path.replace(/^\/gateway/, '') },
        '/content': { target: standInUrl },
      },
    },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://${host}:${actualPort}/` };
}

/** Starts the three servers; closes what already started when a later one fails. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const rendersWithR = !options.withoutR && (await hasRMarkdown());
  const apiKey = randomBytes(24).toString('base64url');
  const reportHasButton = await copyBundleToReport();

  const { config: standInConfig, configDir } = await loadStandInConfig(`${demoDir}stand-in.json`);
  standInConfig.users[0].api_key = apiKey;
  if (!rendersWithR) {
    const report = standInConfig.content[0];
    delete report.rmd;
    report.command = [process.execPath, 'render.mjs'];
  }

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne();
  };
  try {
    const logger = { level: options.logLevel ?? 'warn' };
    const standIn = await startStandIn({
      config: standInConfig, configDir, host, port: options.standInPort ?? 3939, logger,
    });
    closers.push(() => standIn.close());
    const gateway = await startGateway({
      config: await loadGatewayConfig(`${demoDir}gateway.json`),
      connect: { server: standIn.url, apiKey },
      host,
      port: options.gatewayPort ?? 8787,
      logger,
    });
    closers.push(() => gateway.close());
    const page = await startPage(host, options.pagePort ?? 5173, gateway.url, standIn.url);
    closers.push(() => page.server.close());
    return {
      pageUrl: page.url,
      reportUrl: `${page.url}content/${standInConfig.content[0].guid}/`,
      gatewayUrl: gateway.url, standInUrl: standIn.url, rendersWithR, reportHasButton, close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const PORT_OPTIONS = {
  'stand-in-port': { type: 'string' },
  'gateway-port': { type: 'string' },
  'page-port': { type: 'string' },
} as const;

const DEMO_OPTIONS_HINT = 'The demo takes --stand-in-port, --gateway-port and --page-port, each a ' +
  'port number or 0 for a free one.';

/**
 * Reads `--stand-in-port`, `--gateway-port` and `--page-port`, where 0 picks a free port.
 * Throws an Error that names the option and the accepted ones on a bad value or option.
 */
export function readPortOptions(args: string[]): DemoOptions {
  let values: Partial<Record<keyof typeof PORT_OPTIONS, string>>;
  try {
    ({ values } = parseArgs({ args, options: PORT_OPTIONS, strict: true }));
  } catch {
    const word = args.find((arg) => arg.startsWith('-') && !(arg.replace(/=.*/, '').slice(2) in PORT_OPTIONS));
    const problem = word === undefined
      ? 'Missing or invalid option value.'
      : `Unknown option ${word.replace(/=.*/, '')}.`;
    throw new Error(`${problem} ${DEMO_OPTIONS_HINT}`);
  }
  const port = (name: keyof typeof PORT_OPTIONS): number | undefined => {
    const text = values[name];
    if (text === undefined) {
      return undefined;
    }
    const value = Number(text);
    if (!/^\d+$/.test(text) || value > 65_535) {
      throw new Error(`--${name} must be a port number from 0 to 65535 (0 picks a free one), not "${text}".`);
    }
    return value;
  };
  return { standInPort: port('stand-in-port'), gatewayPort: port('gateway-port'), pagePort: port('page-port') };
}

/** Explains a port clash, which a second `npm start` runs into, with the options that avoid it. */
export function describeStartFailure(error: unknown): string {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  // Vite's strict port check throws a plain Error without a code.
  const pagePort = /^Port (\d+) is already in use/.exec(message)?.[1];
  if (code === 'EADDRINUSE' || pagePort !== undefined) {
    return `Port ${pagePort ?? String(port)} on 127.0.0.1 is already in use, perhaps by another ` +
      'demo. Stop that one, or let the demo pick free ports: npm start -- --stand-in-port 0 ' +
      '--gateway-port 0 --page-port 0';
  }
  return message;
}

async function main(): Promise<void> {
  const demo = await startDemo(readPortOptions(process.argv.slice(2)));
  console.log(`Connect stand-in: ${demo.standInUrl}`);
  console.log(`Refresh gateway:  ${demo.gatewayUrl}`);
  if (!demo.rendersWithR) {
    console.log('R with rmarkdown and pandoc was not found: the report renders with demo/report/render.mjs ' +
      'instead of R Markdown. Install r-base-core, r-cran-rmarkdown and pandoc for the real render.');
  }
  if (!demo.reportHasButton) {
    console.log('dist/browser/connect-refresh-button.iife.js was not found: the report renders without its ' +
      'refresh button. Run `npm run build` first.');
  }
  console.log(`\nDemo dashboard:   ${demo.pageUrl}`);
  console.log(`Report page:      ${demo.reportUrl} (after the first render)\n\nPress Ctrl-C to stop.`);
  closeOnSignal(() => demo.close());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(describeStartFailure(error));
    process.exit(1);
  });
}
