/**
 * Builds fuzz case `index` of a run from the seed alone. A case is a request to one of the
 * gateway's routes with valid, missing or forged credentials and one to three mutations. Some
 * cases break the bytes of the request, and some send further requests on the connection.
 */
import { badBody } from './bodies.js';
import { addForgedCredentials, addValidCredentials } from './credentials.js';
import { USER_HEADER, type FuzzSecrets, type ValidCredentials } from './fuzz-servers.js';
import { fuzzedHandle } from './handles.js';
import { mutateContentType, mutateHeaders } from './headers.js';
import { Random } from './random.js';
import { newRequest, serializeRequest, setHeader, type FuzzRequest, type GatewayName } from './raw-request.js';
import { spoilRenderStarts } from './render-oracle.js';
import { mutatePath, oddMethod, oddQuery, reportName } from './targets.js';

export interface CaseContext {
  ports: Record<GatewayName, number>;
  /** Real handles of the setup renders. */
  handles: readonly string[];
  /** The handle of the render that runs during the whole fuzz run. */
  runningHandle: string;
  credentials: ValidCredentials;
  secrets: FuzzSecrets;
}

type Route = 'status' | 'refresh' | 'progress' | 'held' | 'health' | 'ready' | 'preflight' | 'other';

export function generateCase(seed: number, index: number, context: CaseContext): FuzzRequest {
  const random = Random.forCase(seed, index);
  const gateway: GatewayName = random.chance(0.5) ? 'credentials' : 'loopback';
  if (random.chance(0.03)) {
    const request = newRequest(gateway, '', '');
    request.raw = garbage(random);
    request.labels.push('raw:garbage');
    return request;
  }

  const request = routeRequest(random, gateway, context);
  if (random.chance(0.06)) {
    // Mangled bytes without credentials fail the credentials gateway's authentication, so no
    // mangling can start a render.
    setHeader(request, 'Authorization', undefined);
    setHeader(request, USER_HEADER, undefined);
    request.gateway = 'credentials';
    request.labels.push('raw:mangled');
    request.raw = mangle(random, serializeRequest({ ...request, pipelined: [] }));
    return request;
  }
  if (random.chance(0.05)) {
    for (let count = random.int(1, 2); count > 0; count -= 1) {
      const next = routeRequest(random, gateway, context);
      next.labels.unshift('pipelined');
      request.pipelined.push(next);
    }
  }
  spoilRenderStarts(random, request, context.secrets);
  return request;
}

/** Creates a request to a random route with its usual headers and credentials, then mutates it. */
function routeRequest(random: Random, gateway: GatewayName, context: CaseContext): FuzzRequest {
  const port = context.ports[gateway];
  const route = random.weighted<Route>([
    [3, 'status'], [4, 'refresh'], [4, 'progress'], [1, 'held'], [1, 'health'], [1, 'ready'], [1, 'preflight'], [1, 'other'],
  ]);
  const request = newRequest(gateway, 'GET', '/');
  request.labels.push(`route:${route}`);
  switch (route) {
    case 'status':
      request.target = `/v1/reports/${reportName(random)}`;
      break;
    case 'refresh':
      request.method = 'POST';
      request.target = `/v1/reports/${reportName(random)}/refresh`;
      request.headers.push(['Content-Type', 'application/json']);
      request.body = Buffer.from(random.pick(['{}', '', ' {} ', '{ }']));
      break;
    case 'progress':
      request.target = `/v1/renders/${random.pick(context.handles)}` +
        random.pick(['', '?after=0', '?wait=0', `?after=0&wait=${random.pick([1, 2, 5, 30])}`]);
      break;
    case 'held':
      // The running render has no log lines, so the gateway holds this poll until the wait
      // ends or the client goes away. Only header mutations follow, which keep it held.
      request.target = `/v1/renders/${context.runningHandle}?after=0&wait=${random.pick([1, 2, 5, 30])}`;
      break;
    case 'health':
      request.target = '/healthz';
      break;
    case 'ready':
      request.target = '/readyz';
      break;
    case 'preflight':
      request.method = 'OPTIONS';
      request.target = random.pick(['/v1/reports/sales/refresh', '/v1/renders/x', '/', '/nope']);
      request.headers.push(['Origin', random.pick(['https://dashboards.example.test', 'https://evil.example'])]);
      request.headers.push(['Access-Control-Request-Method', 'POST']);
      break;
    default:
      request.target = random.pick(['/', '/v1', '/v1/reports', '/favicon.ico', '/v2/reports/sales']);
  }
  request.headers.unshift(['Host', `127.0.0.1:${port}`], ['User-Agent', 'gateway-fuzz'], ['Accept', 'application/json']);

  const credentials = route === 'held' ? 'valid' : random.weighted<string>([[2, 'none'], [4, 'valid'], [4, 'forged']]);
  if (credentials === 'valid') {
    addValidCredentials(random, request, context.credentials);
  } else if (credentials === 'forged') {
    addForgedCredentials(random, request, context.credentials, context.secrets);
  }

  if (route === 'held') {
    if (random.chance(0.5)) {
      mutateHeaders(random, request, port);
    }
    return request;
  }
  for (let count = random.weighted([[4, 1], [3, 2], [2, 3]]); count > 0; count -= 1) {
    mutate(random, request, route, context);
  }
  return request;
}

function mutate(random: Random, request: FuzzRequest, route: Route, context: CaseContext): void {
  const port = context.ports[request.gateway];
  const family = random.weighted<string>([
    [route === 'refresh' ? 5 : 1, 'body'],
    [route === 'refresh' ? 3 : 1, 'content-type'],
    [2, 'method'],
    [3, 'path'],
    [route === 'progress' ? 3 : 1, 'query'],
    [4, 'headers'],
    [2, 'credentials'],
    [route === 'progress' ? 6 : 0, 'handle'],
  ]);
  switch (family) {
    case 'body': {
      const { body, label } = badBody(random);
      request.body = body;
      request.labels.push(label);
      return;
    }
    case 'content-type':
      mutateContentType(random, request);
      return;
    case 'method':
      request.method = oddMethod(random);
      request.labels.push('method');
      return;
    case 'path': {
      const { target, label } = mutatePath(random, request.target, port);
      request.target = target;
      request.labels.push(label);
      return;
    }
    case 'query': {
      const { query, label } = oddQuery(random);
      request.target = `${request.target.split('?')[0]}${query}`;
      request.labels.push(label);
      return;
    }
    case 'headers':
      mutateHeaders(random, request, port);
      return;
    case 'credentials':
      addForgedCredentials(random, request, context.credentials, context.secrets);
      return;
    default: {
      const { handle, label } = fuzzedHandle(random, context.handles, context.secrets.handleSecret);
      const query = request.target.includes('?') ? request.target.slice(request.target.indexOf('?')) : '';
      request.target = `/v1/renders/${handle}${query}`;
      request.labels.push(label);
    }
  }
}

/** Bytes that are not HTTP/1.x at all, or barely. */
function garbage(random: Random): Buffer {
  switch (random.int(0, 6)) {
    case 0:
      return random.bytes(random.int(1, 2000));
    case 1:
      return Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), random.bytes(64)]);
    case 2:
      return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004\u0000\u0000\u0000\u0000\u0000', 'latin1');
    case 3:
      return Buffer.from('GET /v1/reports/sales\r\n', 'latin1');
    case 4:
      return Buffer.from('\r\n'.repeat(random.int(1, 5000)), 'latin1');
    case 5:
      return Buffer.alloc(0);
    default:
      return Buffer.from(`GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(random.int(1, 20))}`, 'latin1');
  }
}

/** Flips, inserts, deletes or cuts bytes of a serialized request. */
function mangle(random: Random, bytes: Buffer): Buffer {
  const at = random.int(0, Math.max(0, bytes.length - 1));
  switch (random.int(0, 6)) {
    case 0: {
      const copy = Buffer.from(bytes);
      for (let flips = random.int(1, 5); flips > 0; flips -= 1) {
        copy[random.int(0, copy.length - 1)] = random.int(0, 255);
      }
      return copy;
    }
    case 1:
      return Buffer.concat([bytes.subarray(0, at), random.bytes(random.int(1, 50)), bytes.subarray(at)]);
    case 2:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + random.int(1, 40)))]);
    case 3:
      return bytes.subarray(0, at);
    case 4:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(0, at), bytes.subarray(at)]);
    case 5:
      return Buffer.from(bytes.toString('latin1').replaceAll('\r\n', random.pick(['\n', '\r', '\r\r\n'])), 'latin1');
    default:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), bytes.subarray(at)]);
  }
}
