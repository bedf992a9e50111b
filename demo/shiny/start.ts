/**
 * Starts the Shiny demo: the Connect stand-in with the orders report, a refresh gateway that
 * accepts only signed user tokens of the group `analysts`, and demo/shiny/app.R under Rscript,
 * which mints those tokens with r/connect_refresh.R. Run `npm run build` first, because the
 * app loads the element from dist/browser.
 *
 * Usage: npx tsx demo/shiny/start.ts [--host ADDRESS] [--stand-in-port N] [--gateway-port N]
 * [--app-port N]. The ports default to 3939, 8787 and a free one; 0 picks a free port.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseGatewayConfig, startGateway } from '../../src/gateway/index.js';
import { loadStandInConfig, startStandIn } from '../../src/stand-in/index.js';
import { hasRMarkdown } from '../start.js';
import { closeOnSignal } from '../close-on-signal.js';

const appDir = fileURLToPath(new URL('.', import.meta.url));
const demoDir = fileURLToPath(new URL('..', import.meta.url));
const bundleDir = fileURLToPath(new URL('../../dist/browser', import.meta.url));

/** The R packages that the app and r/connect_refresh.R need. */
export const SHINY_PACKAGES = ['shiny', 'htmltools', 'jsonlite', 'openssl'];

/** Issuer and audience of the tokens that the app mints and the gateway accepts. */
export const TOKEN_ISSUER = 'connect-refresh-shiny-demo';
export const TOKEN_AUDIENCE = 'connect-refresh';

/** Default ports of the stand-in and the gateway, as in the other demos and the README. */
const DEFAULT_STAND_IN_PORT = 3939;
const DEFAULT_GATEWAY_PORT = 8787;

/** Time in ms to wait for the app to listen. Rscript usually loads shiny in a few seconds. */
const APP_START_TIMEOUT_MS = 60_000;

export interface ShinyDemoOptions {
  host?: string;
  standInPort?: number;
  gatewayPort?: number;
  /** Port of the Shiny app; 0 or unset picks a free one. */
  appPort?: number;
  /** Render with demo/report/render.mjs even where R Markdown is installed. */
  withoutR?: boolean;
  /** Directory with the element's bundle that the app serves; default dist/browser. */
  bundleDir?: string;
  /** pino log level of the stand-in and the gateway; default `warn`, so failures show. */
  logLevel?: string;
}

export interface ShinyDemo {
  appUrl: string;
  gatewayUrl: string;
  standInUrl: string;
  /** True when the report renders with R Markdown, false when the Node script renders it. */
  rendersWithR: boolean;
  close(): Promise<void>;
}

/** Resolves true when Rscript runs and has every package of SHINY_PACKAGES. */
export function hasShiny(): Promise<boolean> {
  const names = SHINY_PACKAGES.map((name) => `"${name}"`).join(', ');
  const check = `quit(status = if (all(vapply(c(${names}), requireNamespace, logical(1), ` +
    'quietly = TRUE))) 0 else 1)';
  return new Promise((resolve) => {
    execFile('Rscript', ['-e', check], { timeout: 30_000 }, (error) => resolve(error === null));
  });
}

/**
 * Returns a port that was free a moment ago. The gateway's CORS list needs the app's origin
 * before the app starts, so the port is chosen here.
 * NOTE: another process may take the port before Rscript binds it; the app then fails to start.
 */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts app.R with Rscript and resolves once shiny prints "Listening on". */
function startApp(host: string, port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const run = `shiny::runApp(".", host = "${host}", port = ${port}, launch.browser = FALSE)`;
  const child = spawn('Rscript', ['-e', run], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`The Shiny app did not listen within ${APP_START_TIMEOUT_MS} ms:\n${output}`));
    }, APP_START_TIMEOUT_MS);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The Shiny app exited with status ${code} before it listened:\n${output}`));
    });
  });
}

function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts the three processes; closes what already started when a later one fails. */
export async function startShinyDemo(options: ShinyDemoOptions = {}): Promise<ShinyDemo> {
  const host = options.host ?? '127.0.0.1';
  const rendersWithR = !options.withoutR && (await hasRMarkdown());
  const apiKey = randomBytes(24).toString('base64url');
  const jwtSecret = randomBytes(48).toString('base64url');

  const { config: standInConfig, configDir } = await loadStandInConfig(`${demoDir}stand-in.json`);
  standInConfig.users[0].api_key = apiKey;
  const report = standInConfig.content[0];
  if (!rendersWithR) {
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
      config: standInConfig, configDir, host, port: options.standInPort ?? DEFAULT_STAND_IN_PORT, logger,
    });
    closers.push(() => standIn.close());

    const appPort = options.appPort || (await freePort(host));
    const appUrl = `http://${host}:${appPort}/`;
    const analysts = { users: [], groups: ['analysts'], tokens: [] };
    const gateway = await startGateway({
      config: parseGatewayConfig({
        auth: {
          anonymous: false,
          jwt: {
            algorithm: 'HS256',
            secret_env: 'CONNECT_REFRESH_JWT_SECRET',
            issuer: TOKEN_ISSUER,
            audience: TOKEN_AUDIENCE,
            max_lifetime_s: 900,
          },
        },
        cors: { origins: [`http://${host}:${appPort}`] },
        reports: { orders: { guid: report.guid, log: 'full', refresh: analysts, read: analysts } },
      }),
      connect: { server: standIn.url, apiKey },
      host,
      port: options.gatewayPort ?? DEFAULT_GATEWAY_PORT,
      logger,
      env: { CONNECT_REFRESH_JWT_SECRET: jwtSecret },
    });
    closers.push(() => gateway.close());

    const app = await startApp(host, appPort, {
      ...process.env,
      CONNECT_REFRESH_GATEWAY: gateway.url,
      CONNECT_REFRESH_DATA_URL: `${standIn.url}/content/${report.guid}/data.csv`,
      CONNECT_REFRESH_REPORT: 'orders',
      CONNECT_REFRESH_BUNDLE_DIR: options.bundleDir ?? bundleDir,
      CONNECT_REFRESH_JWT_SECRET: jwtSecret,
      CONNECT_REFRESH_JWT_ISSUER: TOKEN_ISSUER,
      CONNECT_REFRESH_JWT_AUDIENCE: TOKEN_AUDIENCE,
      CONNECT_REFRESH_DEMO_USER: 'demo-analyst',
      CONNECT_REFRESH_DEMO_GROUPS: 'analysts',
    });
    closers.push(() => stopApp(app));

    return { appUrl, gatewayUrl: gateway.url, standInUrl: standIn.url, rendersWithR, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Reads a port option: an integer from 0 to 65535, where 0 picks a free port. */
function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new Error(`--${name} must be a port number from 0 to 65535; got "${value}".`);
  }
  return port;
}

/** Reads the command line's options into ShinyDemoOptions. */
function parseOptions(args: string[]): ShinyDemoOptions {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      'stand-in-port': { type: 'string' },
      'gateway-port': { type: 'string' },
      'app-port': { type: 'string' },
    },
  });
  return {
    host: values.host,
    standInPort: portOption('stand-in-port', values['stand-in-port']),
    gatewayPort: portOption('gateway-port', values['gateway-port']),
    appPort: portOption('app-port', values['app-port']),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!(await hasShiny())) {
    console.error(`R with the packages ${SHINY_PACKAGES.join(', ')} was not found. ` +
      'scripts/setup-system.sh installs them.');
    process.exit(1);
  }
  const demo = await startShinyDemo(options);
  console.log(`Connect stand-in: ${demo.standInUrl}`);
  console.log(`Refresh gateway:  ${demo.gatewayUrl}`);
  if (!demo.rendersWithR) {
    console.log('R Markdown with pandoc was not found: the report renders with demo/report/render.mjs.');
  }
  console.log(`\nShiny dashboard:  ${demo.appUrl}\n\nPress Ctrl-C to stop.`);
  closeOnSignal(() => demo.close());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
