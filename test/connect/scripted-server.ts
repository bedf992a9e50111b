/**
 * A real HTTP server on 127.0.0.1 with a per-test route table, standing in for Connect in the
 * client's unit tests. Requests to routes outside the table get Go's plain-text
 * `404 page not found`, as older Connect servers send for routes they lack.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. `/__api__/v1/tasks/abc?first=2`. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Handles one request. Keys of the route table are `METHOD /path` without the query. */
export type RouteHandler = (request: RecordedRequest, response: ServerResponse) => void;

export interface ScriptedServer {
  /** Base address to pass as the client's `server` option. */
  url: string;
  requests: RecordedRequest[];
  /** Resolves with the next request that reaches the server. */
  nextRequest(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

/** Returns a handler that responds with a fixed JSON body, with status 200 unless given. */
export function jsonRoute(body: unknown, status = 200): RouteHandler {
  return (_request, response) => sendJson(response, status, body);
}

/** Starts a server that responds by `routes`. Stop it with `close()`. */
export async function startScriptedServer(
  routes: Record<string, RouteHandler>,
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let waiters: Array<(request: RecordedRequest) => void> = [];

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const parsed = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        pathname: parsed.pathname,
        query: parsed.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const current = waiters;
      waiters = [];
      current.forEach((resolve) => resolve(request));

      const handler = routes[`${request.method} ${request.pathname}`];
      if (handler === undefined) {
        sendText(response, 404, '404 page not found');
        return;
      }
      handler(request, response);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Returns a port on 127.0.0.1 that nothing listens on: it was opened and closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
