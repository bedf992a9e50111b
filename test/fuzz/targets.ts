/**
 * Odd methods, request targets and query strings: report names that are not configured or
 * collide with object properties, dot segments, percent-encodings valid and invalid,
 * absolute-form targets, raw bytes, and paths and query strings past the header limit.
 */
import type { Random } from './random.js';
import { REPORT_NAMES } from './fuzz-servers.js';

const METHODS = [
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL',
  'SEARCH', 'QUERY', 'PURGE', 'LINK', 'get', 'Post', 'FOO', 'G ET', 'GET\t', '', 'POST /x',
  'CONNECT', 'PRI', 'ACL', 'M-SEARCH', 'SOURCE',
];

const ODD_NAMES = [
  'nope', 'SALES', 'Sales', 'sales ', 'sales.', '.', '..', '%2e%2e', '%2E', '__proto__',
  'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'sales%00', 'sales%2F..',
  'sales%2fquiet', 'sales%252F', '%73ales', 'sal%65s', 's%61les', 'sales;x', 'sales%3Bx',
  'sales\u00e9', '%C3%A9', '%C0%AF', '%FF', '%', '%Z1', '%0', '%%', '%u0073ales', '-sales',
  '_', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(1025), 'sales%20', 'sales+', '%00', '~',
  '\u00ff\u00fe', 'sales\\quiet', 'sales#x', 'sales?x=1',
];

/** Returns a method, mostly one the gateway supports, sometimes one it must reject. */
export function oddMethod(random: Random): string {
  return random.pick(METHODS);
}

/** Returns a report name for a path: usually a configured one, sometimes an odd one. */
export function reportName(random: Random): string {
  return random.chance(0.6) ? random.pick(REPORT_NAMES) : random.pick(ODD_NAMES);
}

/** Applies one path mutation to a request target and returns it with its label. */
export function mutatePath(random: Random, target: string, port: number): { target: string; label: string } {
  const [path, query] = splitTarget(target);
  const kind = random.int(0, 15);
  const withQuery = (newPath: string) => (query === undefined ? newPath : `${newPath}?${query}`);
  switch (kind) {
    case 0:
      return { target: withQuery(path.replaceAll('/', '//')), label: 'path:double-slash' };
    case 1:
      return { target: withQuery(`${path}/`), label: 'path:trailing-slash' };
    case 2:
      return { target: withQuery(path.replace('/v1/', '/v1/./').replace('/reports/', '/x/../reports/')), label: 'path:dot-segments' };
    case 3:
      return { target: withQuery(percentEncodeSome(random, path)), label: 'path:percent-encoded' };
    case 4:
      return { target: withQuery(insertAt(random, path, random.pick(['%', '%Z', '%0', '%GG', '%%', '%C0%80', '%ED%A0%80', '%FF%FE', '%00', '%2F', '%252F', '%5C']))), label: 'path:bad-percent' };
    case 5:
      return { target: withQuery(insertAt(random, path, random.pick(['\u0080', '\u00ff', '\u00e9', '\t', '\u007f', '\u0001']))), label: 'path:raw-byte' };
    case 6:
      return { target: `${path}/${'x'.repeat(random.pick([1000, 8000, 20_000, 70_000]))}`, label: 'path:overlong' };
    case 7:
      return { target: `http://127.0.0.1:${port}${target}`, label: 'path:absolute' };
    case 8:
      return { target: `${random.pick(['http://evil.example', 'https://localhost', 'http://[::1]', 'ftp://127.0.0.1', 'http://user:pw@127.0.0.1', 'http://%zz', 'http:///'])}${target}`, label: 'path:absolute-other' };
    case 9:
      return { target: random.pick(['*', '', 'v1/reports/sales', '//evil.example/v1/reports/sales', '\\v1\\reports\\sales', '/v1/reports/', '/v1/renders/', '/v1/', '/V1/REPORTS/SALES', '/.well-known/x', '/healthz/', '/readyz?x', '/%2e%2e/%2e%2e/etc/passwd']), label: 'path:replaced' };
    case 10:
      return { target: withQuery(path.replaceAll('/', random.pick(['%2F', '%2f', '\\', '/%2e/']))), label: 'path:encoded-slash' };
    case 11:
      return { target: `${withQuery(path)}#${random.pick(['frag', '', '%zz', '/../x'])}`, label: 'path:fragment' };
    case 12:
      return { target: withQuery(`${path};${random.pick(['jsessionid=1', 'a', '', '%00'])}`), label: 'path:semicolon' };
    case 13:
      return { target: withQuery(insertAt(random, path, ' ')), label: 'path:space' };
    case 14:
      return { target: withQuery(path.toUpperCase()), label: 'path:upper-case' };
    default:
      return { target: withQuery(`${path}${random.pick(['/refresh', '/x', '/..', '/%2e', '/refresh/refresh'])}`), label: 'path:appended' };
  }
}

/** Returns a query string (with `?`) that the progress route must reject or read safely. */
export function oddQuery(random: Random): { query: string; label: string } {
  const value = () => random.pick([
    '0', '1', '30', '31', '-1', '1e3', '0x10', ' 1', '01', '%D9%A1', '', 'NaN', '9999999999',
    '99999999999', '1.5', '+1', '%20', '%00', '1%00', 'true', '0b1', '٣',
  ]);
  const kind = random.int(0, 9);
  switch (kind) {
    case 0:
      return { query: `?after=${value()}&wait=${random.pick(['0', '1', value()])}`, label: 'query:values' };
    case 1:
      return { query: `?after=${value()}&after=${value()}`, label: 'query:repeated' };
    case 2:
      return { query: `?${random.pick(['after[]', 'after[x]', 'after.x', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x', '', 'AFTER'])}=${value()}`, label: 'query:odd-key' };
    case 3:
      return { query: random.pick(['?', '??', '?&', '?&&&', '?=', '?=1', '?after', '?after=', '?wait&after', '?%zz=1', '?after=%', '?after=%2', '?;after=1']), label: 'query:odd-syntax' };
    case 4:
      return { query: `?after=${'1'.repeat(random.pick([11, 100, 5000]))}`, label: 'query:long-value' };
    case 5:
      return { query: `?${'x=1&'.repeat(random.pick([100, 1000, 3000]))}after=0`, label: 'query:many' };
    case 6:
      return { query: `?pad=${'a'.repeat(random.pick([8000, 16_000, 17_000, 40_000]))}`, label: 'query:overlong' };
    case 7:
      return { query: `?after=${value()}&wait=${value()}&extra=1`, label: 'query:extra' };
    case 8:
      return { query: `?wait=${random.pick(['0', '1'])}&after=${random.int(0, 5)}`, label: 'query:plain' };
    default:
      return { query: `?after=${encodeURIComponent(random.string(random.int(1, 12), '0123456789%&=+ ;#'))}`, label: 'query:mixed' };
  }
}

function splitTarget(target: string): [string, string | undefined] {
  const at = target.indexOf('?');
  return at === -1 ? [target, undefined] : [target.slice(0, at), target.slice(at + 1)];
}

function insertAt(random: Random, text: string, insert: string): string {
  const at = random.int(1, text.length);
  return text.slice(0, at) + insert + text.slice(at);
}

/** Percent-encodes some unreserved characters, which must mean the same as the plain ones. */
function percentEncodeSome(random: Random, path: string): string {
  return [...path]
    .map((char) => {
      if (char === '/' || !random.chance(0.3)) {
        return char;
      }
      const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
      return `%${random.chance(0.5) ? hex.toUpperCase() : hex}`;
    })
    .join('');
}
