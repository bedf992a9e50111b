/**
 * Header mutations: content types, Host and Origin values, duplicated, overlong and invalid
 * headers, Expect and Upgrade, conflicting body framing, other HTTP versions and line endings.
 */
import { ALLOWED_ORIGIN, GROUPS_HEADER, USER_HEADER } from './fuzz-servers.js';
import type { Random } from './random.js';
import { setHeader, type BodyFraming, type FuzzRequest } from './raw-request.js';

const CONTENT_TYPES = [
  'application/json', 'APPLICATION/JSON', 'application/json; charset=utf-8',
  'application/json;charset=latin1', 'application/json; charset="', 'application/json;;;',
  'application/json , text/plain', 'application/json\t', ' application/json', 'application/jsonx',
  'application/json-patch+json', 'application/problem+json', 'application/x-www-form-urlencoded',
  'text/plain', 'text/json', 'multipart/form-data; boundary=x', '*/*', 'application/*', ';', '',
  'application/json; boundary', `application/json; x=${'y'.repeat(3000)}`, 'application/json\u0000',
  'application/json;charset=utf-16', 'application', '/json', 'json', 'application/json; charset',
  'text/html; charset=utf-8', 'application/json;=', 'application/json; q=0.5',
];

const HOSTS = [
  'evil.example', 'evil.example:80', '127.0.0.1.evil.example', '[::1]', '[::1]:1', 'localhost',
  'LOCALHOST:1', 'app.localhost', '127.1', '127.0.0.1:99999', '0.0.0.0', '[::]', 'local host',
  '', '127.0.0.1@evil.example', 'xn--80ak6aa92e.com', '127.0.0.1:80:80', '[::ffff:127.0.0.1]',
  '2130706433', '0x7f000001', 'h'.repeat(300), '127.0.0.1%00', '127.0.0.1/x', ' 127.0.0.1',
];

const ORIGINS = [
  ALLOWED_ORIGIN, `${ALLOWED_ORIGIN}/`, `${ALLOWED_ORIGIN}.evil.example`, 'null', '',
  'https://evil.example', 'http://localhost', 'http://127.0.0.1', 'HTTPS://DASHBOARDS.EXAMPLE.TEST',
  'file://', 'https://dashboards.example.test:443', 'javascript:alert(1)', '*', 'o'.repeat(5000),
];

/** Sets the Content-Type to a random value, or removes it. */
export function mutateContentType(random: Random, request: FuzzRequest): void {
  if (random.chance(0.15)) {
    setHeader(request, 'Content-Type', undefined);
    request.labels.push('content-type:missing');
    return;
  }
  setHeader(request, 'Content-Type', random.pick(CONTENT_TYPES));
  if (random.chance(0.2)) {
    request.headers.push(['Content-Type', random.pick(CONTENT_TYPES)]);
    request.labels.push('content-type:duplicate');
    return;
  }
  request.labels.push('content-type:odd');
}

/** Applies one header mutation. */
export function mutateHeaders(random: Random, request: FuzzRequest, port: number): void {
  const kind = random.int(0, 13);
  switch (kind) {
    case 0:
      if (random.chance(0.3)) {
        setHeader(request, 'Host', undefined);
        request.labels.push('host:missing');
      } else {
        setHeader(request, 'Host', random.pick(HOSTS));
        request.labels.push('host:odd');
      }
      return;
    case 1:
      request.headers.push(['Host', random.pick([`127.0.0.1:${port}`, 'evil.example'])]);
      request.labels.push('host:duplicate');
      return;
    case 2:
      setHeader(request, 'Origin', random.chance(0.2) ? `http://127.0.0.1:${port}` : random.pick(ORIGINS));
      if (random.chance(0.2)) {
        request.headers.push(['Origin', random.pick(ORIGINS)]);
      }
      if (random.chance(0.3)) {
        request.headers.push(['Access-Control-Request-Method', random.pick(['POST', 'GET', 'DELETE', ''])]);
      }
      request.labels.push('origin');
      return;
    case 3:
      request.headers.push([random.pick(['X-Long', 'Cookie', 'User-Agent', 'Referer', 'Authorization']), 'v'.repeat(random.pick([4000, 8000, 16_000, 17_000, 70_000]))]);
      request.labels.push('header:overlong');
      return;
    case 4:
      for (let i = random.pick([50, 200, 2000]); i > 0; i -= 1) {
        request.headers.push([`X-Many-${i}`, String(i)]);
      }
      request.labels.push('header:many');
      return;
    case 5:
      request.headers.push(random.pick<[string, string]>([
        ['Bad Name', 'x'], ['X-Nul', 'a\u0000b'], ['X-Del', 'a\u007fb'], ['X-Bytes', '\u00ff\u00fe\u0080'],
        ['', 'empty-name'], ['X(', 'x'], ['X-Cr', 'a\rb'], ['X-Fold', 'a\r\n folded'],
        ['X-Lf', 'a\nInjected: 1'], ['Content-Length', '-1'], ['Content-Length', '1e3'],
        ['Content-Length', '99999999999999999999'], ['Content-Length', ' 2'], ['Content-Length', '0x10'],
      ]));
      request.labels.push('header:invalid');
      return;
    case 6:
      setHeader(request, 'Expect', random.pick(['100-continue', '100-CONTINUE', 'something', '200-ok', '']));
      request.labels.push('header:expect');
      return;
    case 7:
      setHeader(request, 'Connection', random.pick(['upgrade', 'Upgrade, HTTP2-Settings', 'keep-alive', 'close, upgrade', 'x']));
      setHeader(request, 'Upgrade', random.pick(['websocket', 'h2c', 'HTTP/2.0', 'x']));
      request.labels.push('header:upgrade');
      return;
    case 8:
      setHeader(request, 'Transfer-Encoding', random.pick(['gzip, chunked', 'chunked, identity', 'identity', 'CHUNKED', ' chunked', 'chunked, chunked', 'x']));
      request.labels.push('header:transfer-encoding');
      return;
    case 9:
      setHeader(request, 'X-Forwarded-For', random.pick(['garbage', 'unknown', '::1', '1.2.3.4, 127.0.0.1', '1.2.3.4, , 5.6.7.8', `${'10.0.0.1, '.repeat(500)}10.0.0.2`, '300.1.1.1', '[::1]:80', '\u00ff']));
      request.labels.push('header:forwarded-for');
      return;
    case 10:
      request.headers.push([random.pick([USER_HEADER, GROUPS_HEADER, 'Authorization', 'Content-Length', 'Transfer-Encoding', 'Cookie', 'X-Forwarded-For']), random.pick(['x', 'analysts', 'ops', '0', 'chunked', ''])]);
      request.labels.push('header:duplicate');
      return;
    case 11:
      request.version = random.pick(['HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/1.1 ', 'HTTP/11', '', 'HTTP/1', 'HTTP/3.0', 'HTTP/1.1\u0000']);
      request.labels.push('version');
      return;
    case 12:
      request.lineEnding = random.pick(['\n', '\r', '\r\r\n', '\n\r']);
      request.labels.push('line-ending');
      return;
    default:
      request.framing = random.pick<BodyFraming>(['chunked', 'none', 'short', 'both', 'two-lengths']);
      request.labels.push(`framing:${request.framing}`);
  }
}
