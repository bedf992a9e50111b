/**
 * Request bodies that a refresh must reject: malformed, truncated and oversized JSON, JSON of
 * the wrong shape, prototype keys, other encodings and random bytes. The gateway accepts only
 * an empty body or `{}`; render-oracle.ts makes sure that a request that could start a render
 * never carries an acceptable body.
 */
import { Random } from './random.js';

const MALFORMED_JSON = [
  '{', '}', '{"', '{"a"', '{"a":', '{"a":1', '{,}', "{'a':1}", '{"a":1,}', '{a:1}', 'nul', 'tru',
  'undefined', '[', ']', '"open', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":01}', '{"a":.5}',
  '{"a":+1}', '{"a":NaN}', '{"a":Infinity}', '{}{}', '{}[]', '{} x', '{}\u0000', '{/*c*/}',
  '{"a":1}//', '\u00a0{}', '{\u2028}', ',', ':', '\\', '{"\\', '{"a":"\ud800"}',
];

const WRONG_SHAPES = [
  '[]', '[{}]', 'null', '0', '-0', '1e999999', '123456789012345678901234567890', '"{}"', '""',
  'true', 'false', '{"a":null}', '{"":""}', '{"variant":"v1"}', '{"guid":"00000000-0000-0000-0000-000000000000"}',
  '{"params":{"x":1}}', '{"a":1,"a":2}', '{"__proto__":{"isAdmin":true}}', '{"a":{"__proto__":1}}',
  '{"constructor":{"prototype":{"x":1}}}', '{"b":[{"__proto__":null}]}', '{"toString":1}',
  '{"hasOwnProperty":"x"}', '{"\\u005f_proto__":{}}', '{"\\u0000":1}', '{"a":"\\ud800"}',
];

const OTHER_FORMATS = [
  'a=1&b=2', '__proto__[x]=1', '<report name="sales"/>', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  'report: sales', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
];

/** Returns a body that is not empty and not `{}`; see the file comment. */
export function badBody(random: Random): { body: Buffer; label: string } {
  const kind = random.weighted<string>([
    [4, 'malformed'],
    [3, 'truncated'],
    [3, 'shape'],
    [2, 'oversized'],
    [1, 'nested'],
    [2, 'encoding'],
    [1, 'format'],
    [2, 'random'],
  ]);
  switch (kind) {
    case 'malformed':
      return { body: Buffer.from(random.pick(MALFORMED_JSON), 'utf8'), label: 'body:malformed' };
    case 'truncated':
      return { body: truncatedJson(random), label: 'body:truncated' };
    case 'shape':
      return { body: Buffer.from(random.pick(WRONG_SHAPES), 'utf8'), label: 'body:shape' };
    case 'oversized':
      return { body: oversized(random), label: 'body:oversized' };
    case 'nested':
      return { body: nested(random), label: 'body:nested' };
    case 'encoding':
      return { body: otherEncoding(random), label: 'body:encoding' };
    case 'format':
      return { body: Buffer.from(random.pick(OTHER_FORMATS), 'latin1'), label: 'body:format' };
    default:
      return { body: random.bytes(random.int(1, 300)), label: 'body:random' };
  }
}

/** Returns a JSON text cut at a random place, which leaves it invalid or of the wrong shape. */
function truncatedJson(random: Random): Buffer {
  const whole = JSON.stringify({
    variant: 'v1',
    params: { region: 'north', years: [2024, 2025], 'ünicode': '☃', nested: { a: null } },
  });
  return Buffer.from(whole.slice(0, random.int(1, whole.length - 1)), 'utf8');
}

/** Returns a body just over, or far over, the gateway's limit of 1024 bytes. */
function oversized(random: Random): Buffer {
  const length = random.pick([1025, 1100, 4096, 65_536, 1_048_576, 3_000_000]);
  if (random.chance(0.5)) {
    return Buffer.from(`{"a":"${'x'.repeat(length)}"}`, 'latin1');
  }
  return Buffer.alloc(length, random.pick(['{', ' ', '[', 'a', '\u0000']), 'latin1');
}

/** Returns deeply nested arrays or objects, some within the body limit and some over it. */
function nested(random: Random): Buffer {
  const depth = random.pick([50, 200, 500, 5000]);
  if (random.chance(0.5)) {
    return Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'latin1');
  }
  return Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, 'latin1');
}

/** Returns `{}` or `{"a":1}` in encodings other than UTF-8, or with invalid UTF-8 bytes. */
function otherEncoding(random: Random): Buffer {
  switch (random.int(0, 5)) {
    case 0:
      return Buffer.from('\ufeff{}', 'utf8');
    case 1:
      return Buffer.from('{"a":1}', 'utf16le');
    case 2:
      return Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('":1}')]);
    case 3:
      return Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]);
    case 4:
      return Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    default:
      return Buffer.from([0x7b, 0x00, 0x7d]);
  }
}
