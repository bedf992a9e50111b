/**
 * The alternative to the gateway in the fan-in benchmark: a plain proxy that keeps the API key
 * on the server and forwards every client request to Connect as it is, with no sharing
 * between clients. Paths are Connect's, such as `/__api__/v1/tasks/{id}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PassThroughProxy {
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function forward(
  connectUrl: string,
  apiKey: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readBody(request);
  const upstream = await fetch(`${connectUrl}${request.url ?? '/'}`, {
    method: request.method,
    headers: {
      authorization: `Key ${apiKey}`,
      ...(request.headers['content-type'] ? { 'content-type': request.headers['content-type'] } : {}),
    },
    body,
  });
  const text = await upstream.text();
  response.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/json',
  });
  response.end(text);
}

/** Starts the proxy on 127.0.0.1 with a free port, in front of the Connect server at `connectUrl`. */
export async function startPassThroughProxy(connectUrl: string, apiKey: string): Promise<PassThroughProxy> {
  const server = createServer((request, response) => {
    forward(connectUrl, apiKey, request, response).catch((error: unknown) => {
      console.error(`Pass-through proxy: forwarding ${request.method} ${request.url} failed:`, error);
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'text/plain' });
      }
      response.end('upstream request failed');
    });
  });
  // 1,000 clients connect within about 2 s, more than Node's default backlog of 511 admits
  // while the proxy is busy forwarding.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
