/**
 * Servers for the host tests: a Connect stand-in whose report renders with a short Node script,
 * a gateway in front of it, and a static site on its own origin that plays the host page.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayConfig, startGateway } from '../../src/gateway/index.js';
import { parseStandInConfig, startStandIn } from '../../src/stand-in/index.js';

export const REPORT_GUID = '6a3b4c5d-0000-4000-8000-0000000c0de6';

export interface Closable {
  url: string;
  close(): Promise<void>;
}

export interface NodeStandIn extends Closable {
  apiKey: string;
}

/** Starts a stand-in with one report, `orders`, that a Node script renders at once. */
export async function startNodeStandIn(): Promise<NodeStandIn> {
  const apiKey = randomBytes(24).toString('base64url');
  const dir = await mkdtemp(join(tmpdir(), 'host-stand-in-'));
  await writeFile(join(dir, 'render.mjs'), "console.log('rendered');\n");
  const standIn = await startStandIn({
    config: parseStandInConfig({
      users: [{ username: 'publisher', api_key: apiKey, role: 'publisher' }],
      content: [{
        guid: REPORT_GUID, name: 'orders', title: 'Orders', app_mode: 'rmd-static', source: '.',
        command: [process.execPath, 'render.mjs'], permissions: { publisher: 'owner' },
      }],
    }),
    configDir: dir,
    port: 0,
  });

  return {
    url: standIn.url,
    apiKey,
    close: async () => {
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a gateway for the stand-in's `orders` report with the given `auth` and `cors` settings. */
export async function startHostGateway(
  standIn: NodeStandIn,
  settings: { auth?: object; cors?: object; report?: object },
  env: NodeJS.ProcessEnv = {},
): Promise<Closable> {
  const gateway = await startGateway({
    config: parseGatewayConfig({
      ...(settings.auth ? { auth: settings.auth } : {}),
      ...(settings.cors ? { cors: settings.cors } : {}),
      reports: { orders: { guid: REPORT_GUID, ...settings.report } },
    }),
    connect: { server: standIn.url, apiKey: standIn.apiKey },
    port: 0,
    env,
  });

  return { url: gateway.url, close: () => gateway.close() };
}

/** A response of the static site: a body and its content type. */
export interface SiteFile {
  type: string;
  body: string | Buffer;
}

/**
 * Starts a site on 127.0.0.1 that responds to each path with what `files` returns for it, or 404.
 * Its origin differs from the gateway's by the port.
 */
export async function startSite(
  files: (path: string) => SiteFile | undefined | Promise<SiteFile | undefined>,
): Promise<Closable> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    Promise.resolve(files(path)).then(
      (file) => {
        if (file === undefined) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export const HTML = 'text/html; charset=utf-8';
export const JAVASCRIPT = 'text/javascript; charset=utf-8';
