import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { GatewayConfigError } from '../../src/gateway/errors.js';
import {
  createRenderId,
  HANDLE_LIFETIME_MS,
  HandleSigner,
} from '../../src/gateway/handles.js';

const SECRET = 'correct horse battery staple, long enough to sign';
const STARTED_AT = new Date('2026-12-04T15:10:00.000Z');
const ISSUED_AT = STARTED_AT.getTime() + 500;
const CLAIMS = { report: 'orders', variant: null, renderId: createRenderId(), startedAt: STARTED_AT };

function issue(signer = new HandleSigner(SECRET)): string {
  return signer.issue(CLAIMS, ISSUED_AT);
}

/** Signs an arbitrary payload text with SECRET, as a gateway with that secret would. */
function signPayload(payloadJson: string): string {
  const payload = Buffer.from(payloadJson, 'utf8').toString('base64url');
  const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');
  return `${payload}.${signature}`;
}

describe('HandleSigner', () => {
  it('round-trips the claims', () => {
    const handle = issue();
    assert.match(handle, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = new HandleSigner(SECRET).verify(handle, ISSUED_AT + 1000);
    assert.deepEqual(claims, {
      ...CLAIMS,
      expiresAt: new Date(ISSUED_AT + HANDLE_LIFETIME_MS),
    });
  });

  it('verifies across gateways with one secret', () => {
    const handle = issue(new HandleSigner(SECRET));
    const other = new HandleSigner(SECRET);
    assert.equal(other.verify(handle, ISSUED_AT)?.renderId, CLAIMS.renderId);
  });

  it('rejects a handle of another secret', () => {
    const handle = issue(new HandleSigner(`${SECRET}, but another one`));
    assert.equal(new HandleSigner(SECRET).verify(handle, ISSUED_AT), null);
    assert.equal(new HandleSigner().verify(handle, ISSUED_AT), null);
  });

  it('expires after 12 hours', () => {
    const signer = new HandleSigner(SECRET);
    const handle = issue(signer);
    assert.notEqual(signer.verify(handle, ISSUED_AT + HANDLE_LIFETIME_MS - 1), null);
    assert.equal(signer.verify(handle, ISSUED_AT + HANDLE_LIFETIME_MS), null);
  });

  it('rejects tampered and truncated handles', () => {
    const signer = new HandleSigner(SECRET);
    const handle = issue(signer);
    const [payload, signature] = handle.split('.') as [string, string];
    const json = Buffer.from(payload, 'base64url').toString('utf8');
    const otherReport = Buffer.from(json.replace('"orders"', '"sales"')).toString('base64url');
    const flipped = signature.at(-2) === 'A' ? 'B' : 'A';
    const cases: Record<string, string> = {
      'another report, same signature': `${otherReport}.${signature}`,
      'a changed signature': `${payload}.${signature.slice(0, -2)}${flipped}${signature.at(-1)}`,
      'a truncated signature': handle.slice(0, -1),
      'a truncated payload': `${payload.slice(1)}.${signature}`,
      'no signature': payload,
      'an empty signature': `${payload}.`,
      'an extra part': `${handle}.x`,
      'the old random form': createRenderId() + createRenderId().slice(0, 10),
      'an empty string': '',
      'a very long handle': `${payload.repeat(10)}.${signature}`,
    };
    for (const [label, forged] of Object.entries(cases)) {
      assert.equal(signer.verify(forged, ISSUED_AT), null, label);
    }
  });

  it('rejects re-signed payloads it never writes', () => {
    const signer = new HandleSigner(SECRET);
    const id = createRenderId();
    const cases: Record<string, string> = {
      'not JSON': 'orders',
      'an array': '[]',
      'a missing field': JSON.stringify({ r: 'orders', v: null, i: id, s: 1 }),
      'an extra field': JSON.stringify({ r: 'orders', v: null, i: id, s: 1, e: 2e12, x: 1 }),
      'a short render id': JSON.stringify({ r: 'orders', v: null, i: 'abc', s: 1, e: 2e12 }),
      'a text time': JSON.stringify({ r: 'orders', v: null, i: id, s: '1', e: 2e12 }),
      'an empty report': JSON.stringify({ r: '', v: null, i: id, s: 1, e: 2e12 }),
    };
    for (const [label, json] of Object.entries(cases)) {
      assert.equal(signer.verify(signPayload(json), ISSUED_AT), null, label);
    }
    const valid = JSON.stringify({ r: 'orders', v: null, i: id, s: 1, e: 2e12 });
    assert.equal(signer.verify(signPayload(valid), ISSUED_AT)?.renderId, id, 'the control case');
  });

  it('rejects a secret under 32 bytes', () => {
    assert.throws(
      () => new HandleSigner('x'.repeat(31)),
      (error: unknown) => {
        assert.ok(error instanceof GatewayConfigError);
        assert.match(error.message, /CONNECT_REFRESH_HANDLE_SECRET: has 31 bytes/);
        assert.ok(!error.message.includes('x'.repeat(31)), 'the message hides the value');
        return true;
      },
    );
    assert.throws(() => new HandleSigner(''), /has 0 bytes/);
    assert.equal(new HandleSigner('é'.repeat(16)).generatedSecret, false, '32 UTF-8 bytes');
  });

  it('makes a random secret without one', () => {
    const first = new HandleSigner();
    assert.equal(first.generatedSecret, true);
    const handle = first.issue(CLAIMS, ISSUED_AT);
    assert.notEqual(first.verify(handle, ISSUED_AT), null);
    assert.equal(new HandleSigner().verify(handle, ISSUED_AT), null, 'each start differs');
  });

  it('creates distinct render ids', () => {
    const ids = new Set(Array.from({ length: 100 }, createRenderId));
    assert.equal(ids.size, 100);
    for (const id of ids) {
      assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    }
  });
});
