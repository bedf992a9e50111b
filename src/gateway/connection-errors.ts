/**
 * Error responses for requests that never reach fastify's routing: bytes that Node's HTTP
 * parser rejects, an `Expect` header other than 100-continue, CONNECT requests, and HTTP/1.1
 * requests without Host. Each response is a GatewayErrorBody that repeats nothing of the
 * request. Those written to the socket directly end the connection.
 */
import { maxHeaderSize, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { COMMON_HEADERS } from './error-responses.js';
import { invalidRequest, type GatewayHttpError } from './errors.js';

/** Headers of each response written here, besides Content-Length. */
const FIXED_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  ...COMMON_HEADERS,
  connection: 'close',
};

/** Node's error codes have this form; anything else is not repeated in a response. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Responds with a 400 `invalid_request` to a request that Node's HTTP parser rejected or that
 * timed out, then closes the connection. This is fastify's `clientErrorHandler` option, which
 * fastify calls with the instance as `this`. The log line names only Node's error code,
 * because the error carries the raw request bytes, credentials included.
 */
export function handleClientError(
  this: FastifyInstance,
  error: NodeJS.ErrnoException,
  socket: Duplex,
): void {
  const code = typeof error.code === 'string' && ERROR_CODE.test(error.code)
    ? error.code
    : 'unknown';
  if (code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  this.log.debug({ code }, 'Rejected a request that is not valid HTTP/1.1');
  // A response already under way on this connection would be corrupted by a second one.
  if (responseInProgress(socket)) {
    socket.destroy();
    return;
  }
  writeAndClose(socket, parserErrorResponse(code));
}

/**
 * Adds the error responses to an unsupported `Expect` header, to CONNECT requests and to
 * HTTP/1.1 requests without Host, which Node would otherwise send with an empty body. The
 * server must be created with `requireHostHeader: false`, so that the last reach the hook.
 */
export function registerConnectionErrorResponses(app: FastifyInstance): void {
  app.server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const error = invalidRequest(
      'The gateway supports no Expect header other than 100-continue; send the request ' +
        'without it.',
    );
    const body = JSON.stringify(error.toBody());
    response.writeHead(error.statusCode, {
      ...FIXED_HEADERS,
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(body);
  });

  app.server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    writeAndClose(
      socket,
      invalidRequest('CONNECT requests are not supported, because the gateway is not a proxy.'),
    );
  });

  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw invalidRequest('An HTTP/1.1 request needs a Host header; send one.');
    }
  });
}

function parserErrorResponse(code: string): GatewayHttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return invalidRequest(
        `The request line and headers are longer than ${maxHeaderSize} bytes; shorten the ` +
          'URL or the headers.',
      );
    case 'HPE_INVALID_METHOD':
      return invalidRequest(
        'The request method is not a known HTTP method; the gateway serves GET, HEAD, POST ' +
          'and OPTIONS.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return invalidRequest('The request did not arrive in full in time; send it again.');
    default:
      return invalidRequest(
        `The request is not valid HTTP/1.1 (Node's parser error ${code}); check the client ` +
          'that sent it.',
      );
  }
}

/**
 * Returns true when a response on the connection has sent its headers.
 * NOTE: this reads `_httpMessage`, an undocumented field of the sockets of Node's HTTP server.
 * Should a Node version drop it, the check finds no response in progress.
 */
function responseInProgress(socket: Duplex): boolean {
  const current = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  return current?.headersSent === true;
}

/** Writes a fixed response to the socket, then destroys the socket once it is flushed. */
function writeAndClose(socket: Duplex, error: GatewayHttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(error.toBody());
  const headers = { ...FIXED_HEADERS, 'content-length': String(Buffer.byteLength(body)) };
  const head = [
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? ''}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}
