/**
 * Signed render handles: `<payload>.<signature>`, both base64url without padding. The payload
 * is JSON that names the report, the variant, a random render id, the start time and the
 * expiry. The signature is HMAC-SHA256 of the payload text. Every gateway that shares the
 * secret verifies the handles of the others, so handles survive restarts and load balancing.
 * Handles carry no Connect task id, so they open no door to other tasks on Connect.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayConfigError } from './errors.js';

/** How long a handle stays valid after it was issued. */
export const HANDLE_LIFETIME_MS = 12 * 60 * 60_000;
/** Minimum length of a configured handle secret, in UTF-8 bytes. */
export const MIN_HANDLE_SECRET_BYTES = 32;
/** Environment variable that shares the handle secret between gateways and restarts. */
export const HANDLE_SECRET_ENV = 'CONNECT_REFRESH_HANDLE_SECRET';

/** Handles longer than this are rejected before any work; real ones stay under 300. */
const MAX_HANDLE_LENGTH = 512;
/** A SHA-256 digest (32 bytes) in unpadded base64url. */
const SIGNATURE_LENGTH = 43;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const RENDER_ID_BYTES = 16;
const RENDER_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Claims that a signed handle carries about its render. */
export interface HandleClaims {
  report: string;
  /** Variant key, or null for the report's default variant. */
  variant: string | null;
  /** Random id of the render, unique per gateway process; it names the render in logs. */
  renderId: string;
  startedAt: Date;
  expiresAt: Date;
}

/** The payload's JSON, with short field names to keep handles short in URLs. */
interface WirePayload {
  r: string;
  v: string | null;
  i: string;
  s: number;
  e: number;
}

/** Creates a random render id: 16 bytes in base64url. */
export function createRenderId(): string {
  return randomBytes(RENDER_ID_BYTES).toString('base64url');
}

/** Issues and verifies handles with one secret. */
export class HandleSigner {
  readonly #secret: Buffer;
  /** True when no secret was configured, so handles do not survive a restart. */
  readonly generatedSecret: boolean;

  /**
   * Uses `secret` when given; it must have at least 32 bytes, else this throws a
   * GatewayConfigError that gives its length but never its value. Without a secret, a
   * random one is made and `generatedSecret` is true.
   */
  constructor(secret?: string) {
    if (secret === undefined) {
      this.#secret = randomBytes(MIN_HANDLE_SECRET_BYTES);
      this.generatedSecret = true;
      return;
    }
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes < MIN_HANDLE_SECRET_BYTES) {
      throw new GatewayConfigError('Invalid handle secret:', [
        `${HANDLE_SECRET_ENV}: has ${bytes} bytes, but needs at least ` +
          `${MIN_HANDLE_SECRET_BYTES}; set it to a random value such as the output of ` +
          '`openssl rand -base64 48`, the same on every gateway that serves one site',
      ]);
    }
    this.#secret = Buffer.from(secret, 'utf8');
    this.generatedSecret = false;
  }

  /** Issues a handle that expires HANDLE_LIFETIME_MS after `now`. */
  issue(claims: Omit<HandleClaims, 'expiresAt'>, now: number = Date.now()): string {
    const wire: WirePayload = {
      r: claims.report,
      v: claims.variant,
      i: claims.renderId,
      s: claims.startedAt.getTime(),
      e: now + HANDLE_LIFETIME_MS,
    };
    const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /**
   * Returns the claims of a handle that this secret signed and that has not expired at
   * `now`, otherwise null. The signature is compared in constant time, and checked before
   * the payload is decoded.
   */
  verify(handle: string, now: number = Date.now()): HandleClaims | null {
    if (handle.length > MAX_HANDLE_LENGTH) {
      return null;
    }
    const parts = handle.split('.');
    if (parts.length !== 2) {
      return null;
    }
    const [payload, signature] = parts as [string, string];
    if (!BASE64URL.test(payload) || signature.length !== SIGNATURE_LENGTH) {
      return null;
    }
    // Comparing the text, not decoded bytes, also rejects other spellings of the same bytes.
    const expected = Buffer.from(this.sign(payload), 'ascii');
    if (!timingSafeEqual(Buffer.from(signature, 'ascii'), expected)) {
      return null;
    }

    const claims = decodePayload(payload);
    if (claims === null || now >= claims.expiresAt.getTime()) {
      return null;
    }
    return claims;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload, 'ascii').digest('base64url');
  }
}

/**
 * Returns the render id in a handle's payload, or null when the payload is not well formed.
 * It does not check the signature, so a forged handle yields a made-up id: use it for log
 * lines only.
 */
export function unverifiedRenderId(handle: string): string | null {
  const payload = handle.length > MAX_HANDLE_LENGTH ? undefined : handle.split('.')[0];
  if (payload === undefined || !BASE64URL.test(payload)) {
    return null;
  }
  return decodePayload(payload)?.renderId ?? null;
}

/** Decodes a signed payload; null when it is not what `issue` writes. */
function decodePayload(payload: string): HandleClaims | null {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!isWirePayload(wire)) {
    return null;
  }
  return {
    report: wire.r,
    variant: wire.v,
    renderId: wire.i,
    startedAt: new Date(wire.s),
    expiresAt: new Date(wire.e),
  };
}

function isWirePayload(value: unknown): value is WirePayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const wire = value as Record<string, unknown>;
  return (
    Object.keys(wire).length === 5 &&
    typeof wire.r === 'string' &&
    wire.r !== '' &&
    (wire.v === null || typeof wire.v === 'string') &&
    typeof wire.i === 'string' &&
    RENDER_ID_PATTERN.test(wire.i) &&
    Number.isSafeInteger(wire.s) &&
    Number.isSafeInteger(wire.e)
  );
}
