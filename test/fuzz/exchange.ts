/**
 * Sends raw bytes to a server on 127.0.0.1 and reads what comes back, then splits the bytes
 * into HTTP/1.x responses leniently enough for error responses to broken requests.
 */
import { connect } from 'node:net';

export interface Exchange {
  /** Every byte the server sent before it closed the connection or the time ran out. */
  received: Buffer;
  /** True when the server did not close the connection within the time limit. */
  timedOut: boolean;
  durationMs: number;
}

/**
 * Time without a byte from the server after which the client half-closes the connection, in
 * ms. A request that the server still waits to complete, such as a truncated body, then ends.
 * Node's HTTP server aborts requests still in progress when the client half-closes, so the
 * client half-closes early only once every response it expects has arrived.
 */
const IDLE_BEFORE_END_MS = 500;

/**
 * Opens a connection to 127.0.0.1:`port`, writes `payload`, and collects the responses until
 * the server closes the connection or `timeoutMs` have passed. The client half-closes the
 * connection once `expectedResponses` final responses have arrived, or after
 * IDLE_BEFORE_END_MS without data. Write errors, such as a reset after the server rejected a
 * large body early, end the exchange without an error, because the server may already have
 * sent its response.
 */
export function exchange(
  port: number,
  payload: Buffer,
  expectedResponses: number,
  timeoutMs: number,
): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let timedOut = false;
    let ended = false;
    const end = () => {
      if (!ended) {
        ended = true;
        socket.end();
      }
    };
    let idleTimer: NodeJS.Timeout | undefined;
    const restartIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = ended ? undefined : setTimeout(end, IDLE_BEFORE_END_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(payload);
      restartIdleTimer();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseResponses(Buffer.concat(chunks)).complete >= expectedResponses) {
        end();
      }
      restartIdleTimer();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(idleTimer);
      resolve({
        received: Buffer.concat(chunks),
        timedOut,
        durationMs: performance.now() - started,
      });
    });
  });
}

export interface ParsedResponse {
  status: number;
  /** Header names in lower case; a repeated header keeps its last value. */
  headers: Map<string, string>;
  /** The body as latin1 text; empty for a response to HEAD. */
  body: string;
}

export interface ParsedResponses {
  /** The responses in order, interim 1xx responses included. */
  responses: ParsedResponse[];
  /** Number of final (not 1xx) responses received in full. */
  complete: number;
  /** Why the bytes after the last parsed response are not a response, if they are not. */
  problem?: string;
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?\r\n/;

/**
 * Splits received bytes into responses. A response followed by nothing or by another status
 * line where its Content-Length announces a body counts as the response to a HEAD request,
 * because gateway bodies are JSON and never start with `HTTP/1.`.
 */
export function parseResponses(received: Buffer): ParsedResponses {
  const text = received.toString('latin1');
  const responses: ParsedResponse[] = [];
  let complete = 0;
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const statusLine = STATUS_LINE.exec(rest);
    if (statusLine === null) {
      return { responses, complete, problem: `no status line at byte ${at}` };
    }
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) {
      return { responses, complete, problem: `response head at byte ${at} does not end` };
    }
    const status = Number(statusLine[1]);
    const headers = parseHeaders(rest.slice(statusLine[0].length, headEnd));
    const bodyStart = headEnd + 4;
    const bodyLength = responseBodyLength(status, headers, rest.slice(bodyStart));
    if (typeof bodyLength === 'string') {
      return { responses, complete, problem: bodyLength };
    }
    responses.push({ status, headers, body: rest.slice(bodyStart, bodyStart + bodyLength) });
    if (status >= 200) {
      complete += 1;
    }
    at += bodyStart + bodyLength;
  }
  return { responses, complete };
}
function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return headers;
}

/** Returns the length of the body that starts `rest`, or a problem description. */
function responseBodyLength(
  status: number,
  headers: Map<string, string>,
  rest: string,
): number | string {
  if (status < 200 || status === 204 || status === 304) {
    return 0;
  }
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    return chunkedLength(rest);
  }
  const contentLength = headers.get('content-length');
  if (contentLength === undefined) {
    return rest.length;
  }
  const length = Number(contentLength);
  if (!Number.isSafeInteger(length) || length < 0) {
    return `invalid Content-Length ${JSON.stringify(contentLength)}`;
  }
  // A HEAD response has the Content-Length of a GET response and no body.
  if (rest === '' || STATUS_LINE.test(rest)) {
    return 0;
  }
  if (rest.length < length) {
    return `body is ${rest.length} bytes, but Content-Length is ${length}`;
  }
  return length;
}

function chunkedLength(rest: string): number | string {
  let at = 0;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n', at);
    if (lineEnd === -1) {
      return 'chunked body does not end';
    }
    const size = Number.parseInt(rest.slice(at, lineEnd), 16);
    if (!Number.isInteger(size) || size < 0) {
      return 'invalid chunk size';
    }
    at = lineEnd + 2 + size + 2;
    if (size === 0) {
      return at;
    }
  }
}
