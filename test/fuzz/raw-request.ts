/**
 * The fuzzer's model of one HTTP/1.x request, which may break any rule of the protocol, and
 * its serialization to the bytes written on the socket.
 */

/**
 * How the body is delimited:
 * - `content-length`: a correct Content-Length header (left out for an empty GET body);
 * - `chunked`: Transfer-Encoding: chunked with a few chunks;
 * - `none`: no length header, and the body bytes follow the head anyway;
 * - `short`: a Content-Length larger than the body, so the body is truncated;
 * - `both`: Content-Length and Transfer-Encoding: chunked together;
 * - `two-lengths`: two Content-Length headers with different values.
 */
export type BodyFraming = 'content-length' | 'chunked' | 'none' | 'short' | 'both' | 'two-lengths';

/** Which gateway receives the request; see FuzzServers. */
export type GatewayName = 'credentials' | 'loopback';

export interface FuzzRequest {
  gateway: GatewayName;
  method: string;
  /** The request target, such as `/v1/reports/sales?x=1`; latin1, one character per byte. */
  target: string;
  /** Such as `HTTP/1.1`. */
  version: string;
  /** Header names and values in order; latin1, one character per byte. */
  headers: Array<[string, string]>;
  body: Buffer;
  framing: BodyFraming;
  lineEnding: string;
  /** Bytes sent in place of the serialized request, for requests broken below HTTP. */
  raw?: Buffer;
  /** Requests written after this one on the same connection. */
  pipelined: FuzzRequest[];
  /** Names of the mutations applied, for failure reports. */
  labels: string[];
}

export function newRequest(gateway: GatewayName, method: string, target: string): FuzzRequest {
  return {
    gateway,
    method,
    target,
    version: 'HTTP/1.1',
    headers: [],
    body: Buffer.alloc(0),
    framing: 'content-length',
    lineEnding: '\r\n',
    pipelined: [],
    labels: [],
  };
}

/** Returns the values of every header named `name`, compared without case. */
export function headerValues(request: FuzzRequest, name: string): string[] {
  const lower = name.toLowerCase();
  return request.headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
}

/** Replaces every header named `name` with one of `value`, or removes them when undefined. */
export function setHeader(request: FuzzRequest, name: string, value: string | undefined): void {
  const lower = name.toLowerCase();
  request.headers = request.headers.filter(([key]) => key.toLowerCase() !== lower);
  if (value !== undefined) {
    request.headers.push([name, value]);
  }
}

/** Returns the bytes of the request and of the requests pipelined after it. */
export function serializeRequest(request: FuzzRequest): Buffer {
  const own = request.raw ?? serializeOne(request);
  return Buffer.concat([own, ...request.pipelined.map(serializeRequest)]);
}

function serializeOne(request: FuzzRequest): Buffer {
  const end = request.lineEnding;
  const lines = [`${request.method} ${request.target} ${request.version}`];
  for (const [name, value] of request.headers) {
    lines.push(`${name}: ${value}`);
  }
  const body = request.body;
  let payload = body;
  switch (request.framing) {
    case 'content-length':
      if (body.length > 0 || !['GET', 'HEAD'].includes(request.method)) {
        lines.push(`Content-Length: ${body.length}`);
      }
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = chunked(body);
      break;
    case 'none':
      break;
    case 'short':
      lines.push(`Content-Length: ${body.length + 1 + (body.length % 7)}`);
      break;
    case 'both':
      lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      payload = chunked(body);
      break;
    case 'two-lengths':
      lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 2}`);
      break;
  }
  const head = Buffer.from(`${lines.join(end)}${end}${end}`, 'latin1');
  return Buffer.concat([head, payload]);
}

/** Encodes the body in chunks of at most 7 bytes, so that most bodies take several. */
function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += 7) {
    const chunk = body.subarray(at, at + 7);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/**
 * Returns the bytes as a JSON string for a failure report, clipped to `maxBytes` with the full
 * length noted, so that a megabyte body does not flood the output.
 */
export function describeBytes(bytes: Buffer, maxBytes = 1500): string {
  const shown = JSON.stringify(bytes.subarray(0, maxBytes).toString('latin1'));
  return bytes.length > maxBytes ? `${shown} … (${bytes.length} bytes in all)` : shown;
}
