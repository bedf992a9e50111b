/**
 * A scripted Connect that puts secrets into its task text, as a misconfigured server or a
 * report that prints its environment might. It serves only what a refresh needs: the content
 * item, the v1 render route, the task poll, an empty job list and an empty variant list.
 * Every task ends at once with code 1. Its output lines and error text contain the API key
 * the gateway sent and each extra secret of the test, plain and in the usual notations.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoingConnect {
  url: string;
  /** Number of task polls served so far. */
  readonly taskPolls: number;
  close(): Promise<void>;
}

/** Lines of task output that print `secret` the ways a render log might. */
export function echoLines(secret: string): string[] {
  return [
    secret,
    `Authorization: Key ${secret}`,
    `CONNECT_API_KEY=${secret}`,
    `{"token": "${secret}"}`,
    `curl https://connect.example/?key=${encodeURIComponent(secret)}`,
  ];
}

/** Starts the scripted Connect on 127.0.0.1; `secrets` are echoed besides the API key. */
export async function startEchoingConnect(secrets: readonly string[]): Promise<EchoingConnect> {
  let taskPolls = 0;
  let apiKey = '';

  const respond = (request: IncomingMessage, response: ServerResponse) => {
    const authorization = request.headers.authorization ?? '';
    apiKey = authorization.replace(/^Key /, '');
    const path = (request.url ?? '').split('?')[0] ?? '';
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };

    if (request.method === 'GET' && /^\/__api__\/v1\/content\/[^/]+$/.test(path)) {
      const guid = path.split('/').at(-1);
      return send(200, { guid, name: 'echo', title: 'Echo', app_mode: 'quarto-static' });
    }
    if (request.method === 'POST' && /^\/__api__\/v1\/content\/[^/]+\/render$/.test(path)) {
      return send(202, { task_id: 'echo-task' });
    }
    if (request.method === 'GET' && path === '/__api__/v1/tasks/echo-task') {
      taskPolls += 1;
      const echoed = [apiKey, ...secrets];
      const output = echoed.flatMap(echoLines);
      return send(200, {
        id: 'echo-task',
        output,
        finished: true,
        code: 1,
        error: `Unable to render: ${echoed.map((secret) => `key ${secret}`).join(', ')}`,
        last: output.length,
      });
    }
    if (request.method === 'GET' && /^\/__api__\/v1\/content\/[^/]+\/jobs$/.test(path)) {
      return send(200, []);
    }
    if (request.method === 'GET' && /^\/__api__\/applications\/[^/]+\/variants$/.test(path)) {
      return send(200, []);
    }
    return send(404, { code: 4, error: 'The requested object does not exist.', payload: null });
  };

  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => respond(request, response));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get taskPolls() {
      return taskPolls;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
