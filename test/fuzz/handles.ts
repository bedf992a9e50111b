/**
 * Render handles for progress requests: the real ones from the setup renders, and forged,
 * truncated and re-signed ones. A handle is `<payload>.<signature>` in base64url, where the
 * payload is JSON `{r, v, i, s, e}` (report, variant, render id, start and expiry in ms) and
 * the signature is HMAC-SHA256 of the payload text. Payloads signed with the real secret
 * test the checks behind the signature.
 */
import { createHmac } from 'node:crypto';
import { BASE64URL_ALPHABET, type Random } from './random.js';

/** Returns a handle and the label of how it was made. */
export function fuzzedHandle(random: Random, handles: readonly string[], secret: string): { handle: string; label: string } {
  const real = random.pick(handles);
  const [payload, signature] = real.split('.') as [string, string];
  const kind = random.weighted<string>([
    [2, 'real'], [2, 'truncated'], [2, 'flipped'], [2, 'wrong-secret'], [4, 'signed-claims'],
    [2, 'signed-payload'], [2, 'shape'], [1, 'encoded'], [1, 'long'],
  ]);
  const label = `handle:${kind}`;
  switch (kind) {
    case 'real':
      return { handle: real, label };
    case 'truncated':
      return { handle: real.slice(0, random.int(0, real.length - 1)), label };
    case 'flipped': {
      const at = random.int(0, real.length - 1);
      const replacement = random.pick([...BASE64URL_ALPHABET.replace(real[at]!, ''), '.', '=', '+', '/']);
      return { handle: real.slice(0, at) + replacement + real.slice(at + 1), label };
    }
    case 'wrong-secret':
      return { handle: `${payload}.${sign(payload, `${secret}x`)}`, label };
    case 'signed-claims':
      return { handle: signed(JSON.stringify(oddClaims(random, payload)), secret), label };
    case 'signed-payload':
      return { handle: signed(random.pick(['', 'null', '[]', '"x"', '1', '{', '{}', '{"r":"sales"}', '\u00ff\u00fe',
        `{"r":"sales","v":null,"i":"${'a'.repeat(22)}","s":1,"e":${Date.now() + 60_000},"__proto__":{"r":"x"}}`]), secret), label };
    case 'shape':
      return {
        handle: random.pick([
          `${payload}.${signature}=`, `${payload}=.${signature}`, `${real}.`, `.${real}`,
          `${payload}..${signature}`, `${payload}`, `.${signature}`, '.', '..', '',
          `${payload}.${signature.toUpperCase()}`, `${payload.replaceAll('_', '/')}.${signature}`,
          `${payload}.${signature}/`, `${payload}%2E${signature}`, `${payload}.${signature}%00`,
        ]),
        label,
      };
    case 'encoded':
      return { handle: [...real].map((char) => (random.chance(0.2) ? `%${char.charCodeAt(0).toString(16)}` : char)).join(''), label };
    default:
      return { handle: `${payload}${'A'.repeat(random.pick([200, 300, 470, 1000, 5000]))}.${signature}`, label };
  }
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(payload, 'ascii').digest('base64url');
}

function signed(json: string, secret: string): string {
  const payload = Buffer.from(json, 'utf8').toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** Returns the real payload's claims with one or two of them changed. */
function oddClaims(random: Random, payload: string): Record<string, unknown> {
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Date.now();
  const renderId = random.string(22, BASE64URL_ALPHABET);
  const changes = random.pick<Record<string, unknown>>([
    { i: renderId },
    { i: renderId, s: now - 5 * 60_000 },
    { i: renderId, s: now + 3_600_000 },
    { i: renderId, r: random.pick(['quiet', 'sales-errors', 'forbidden']) },
    { r: random.pick(['nope', '__proto__', 'constructor', 'toString', '', 'SALES', 'r'.repeat(200)]) },
    { v: random.pick(['v1', '', 'default', 7]) },
    { i: random.pick(['short', 'x'.repeat(23), `${'a'.repeat(21)}!`, '', 12]) },
    { s: random.pick([0, -1, 1e20, 8.64e15 + 1, 1.5, '0', null]) },
    { e: random.pick([0, now - 1, now, 1e20, 1.5, '9999999999999', null]) },
    { extra: 1 },
    { r: undefined },
    { r: ['sales'] },
    { constructor: { prototype: { r: 'sales' } } },
  ]);
  return { ...claims, ...changes };
}
