import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtConfig } from '../config.js';
import type { JwtKey } from './jwt-key.js';
import { MAX_NAME_LENGTH } from './identity.js';

/**
 * Allowed clock difference between the application that signs tokens and the gateway, in
 * seconds, for `exp`, `nbf` and `iat`.
 */
export const JWT_CLOCK_TOLERANCE_S = 5;

/** The user a valid signed token names. */
export interface TokenUser {
  user: string;
  groups: string[];
}

/** A signed user token that the gateway does not accept, with a reason safe to send back. */
export class TokenRejectedError extends Error {
  /** True when the token is valid except that it expired, so a fresh one would pass. */
  readonly expired: boolean;

  constructor(reason: string, expired = false) {
    super(reason);
    this.name = 'TokenRejectedError';
    this.expired = expired;
  }
}

/** Verifies signed user tokens with the one configured algorithm and key. */
export class JwtVerifier {
  constructor(
    private readonly config: JwtConfig,
    private readonly key: JwtKey,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Verifies the signature, `exp` (required), `nbf`, the issuer and audience when configured
   * and the maximum lifetime, and returns the user. Throws a TokenRejectedError otherwise.
   */
  async verify(token: string): Promise<TokenUser> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [this.config.algorithm],
        requiredClaims: ['exp'],
        issuer: this.config.issuer ?? undefined,
        audience: this.config.audience ?? undefined,
        clockTolerance: JWT_CLOCK_TOLERANCE_S,
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      throw rejection(error);
    }
    this.checkLifetime(payload);
    return { user: tokenUser(payload), groups: tokenGroups(payload) };
  }

  /**
   * Rejects tokens valid for longer than `max_lifetime_s`: `exp - iat`, or `exp - now` when
   * `iat` is missing or in the future, so a future `iat` cannot stretch the lifetime.
   */
  private checkLifetime(payload: JWTPayload): void {
    const nowS = Math.floor(this.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat, nowS) : nowS;
    const lifetime = (payload.exp as number) - issuedAt;
    if (lifetime > this.config.max_lifetime_s) {
      throw new TokenRejectedError(
        `it is valid for ${lifetime} seconds, longer than the ${this.config.max_lifetime_s} ` +
          'seconds this gateway accepts; issue tokens with a shorter exp',
      );
    }
  }
}

/** Returns the user: `sub`, or the `user` claim when the token has no `sub`. */
function tokenUser(payload: JWTPayload): string {
  const user = payload.sub ?? payload.user;
  if (typeof user !== 'string' || user === '') {
    throw new TokenRejectedError('it names no user; put the user name in the sub claim');
  }
  if (user.length > MAX_NAME_LENGTH) {
    throw new TokenRejectedError(`its user name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  return user;
}

/** Returns the names in the `groups` array; other entries are ignored. */
function tokenGroups(payload: JWTPayload): string[] {
  const groups = payload.groups;
  if (!Array.isArray(groups)) {
    return [];
  }
  return groups.filter(
    (group): group is string =>
      typeof group === 'string' && group !== '' && group.length <= MAX_NAME_LENGTH,
  );
}

/** Maps a jose error to a reason that names the failed check but no token content. */
function rejection(error: unknown): TokenRejectedError {
  if (error instanceof errors.JWTExpired) {
    return new TokenRejectedError('it has expired; fetch a fresh token', true);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new TokenRejectedError(claimReason(error.claim, error.reason));
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new TokenRejectedError('it is signed with an algorithm this gateway does not accept');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenRejectedError('its signature does not verify with the configured key');
  }
  if (error instanceof errors.JOSEError) {
    return new TokenRejectedError('it is not a well-formed signed JWT');
  }
  return new TokenRejectedError('it could not be verified');
}

function claimReason(claim: string, reason: string): string {
  if (reason === 'missing') {
    return `it has no ${claim} claim, which this gateway requires`;
  }
  if (claim === 'nbf') {
    return 'it is not valid yet (nbf is in the future)';
  }
  if (claim === 'iss' || claim === 'aud') {
    const name = claim === 'iss' ? 'issuer' : 'audience';
    return `its ${claim} claim does not match the configured ${name}`;
  }
  return `its ${claim} claim is invalid`;
}
