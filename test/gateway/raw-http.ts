/**
 * HTTP/1.1 over a plain TCP socket, for requests that fetch cannot send: invalid methods,
 * malformed percent-encoding, oversized headers, and requests written in several steps.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: string;
}

/** A TCP connection to a test server that collects every byte it receives. */
export class RawConnection {
  private received = '';
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
    });
    // A reset after the server's response still leaves the response in `received`.
    socket.on('error', () => {});
    this.closed = once(socket, 'close').then(() => undefined);
  }

  /** Connects to the host and port of `url`. */
  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  write(text: string): void {
    this.socket.write(text, 'latin1');
  }

  /** Resolves with every byte received once the server closed the connection. */
  async readUntilClosed(): Promise<string> {
    await this.closed;
    return this.received;
  }
}

/**
 * Sends `request` on a new connection and resolves with the server's responses once it closed
 * the connection. Send `Connection: close` in requests that the server would otherwise keep
 * the connection open after.
 */
export async function sendRaw(url: string, request: string): Promise<RawResponse[]> {
  const connection = await RawConnection.open(url);
  connection.write(request);
  return parseResponses(await connection.readUntilClosed());
}

/** Parses the responses in the bytes a connection received; bodies need Content-Length. */
export function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  while (rest !== '') {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) {
      throw new Error(`Incomplete response head: ${JSON.stringify(rest.slice(0, 200))}`);
    }
    const [statusLine = '', ...headerLines] = rest.slice(0, headEnd).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (headers.get('transfer-encoding') !== undefined) {
      throw new Error(`The parser reads Content-Length bodies only, got: ${statusLine}`);
    }
    // The text is latin1, one character per byte, so Content-Length counts characters here.
    const bodyEnd = headEnd + 4 + Number(headers.get('content-length') ?? 0);
    const body = Buffer.from(rest.slice(headEnd + 4, bodyEnd), 'latin1').toString('utf8');
    responses.push({ status, headers, body });
    rest = rest.slice(bodyEnd);
  }
  return responses;
}
