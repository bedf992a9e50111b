import type { FastifyBaseLogger } from 'fastify';
import type { AuthConfig } from '../config.js';
import { GatewayHttpError } from '../errors.js';
import { BearerTokenSet } from './bearer-tokens.js';
import { anonymousIdentity, tokenIdentity, userIdentity, type Identity } from './identity.js';
import { loadJwtKey } from './jwt-key.js';
import { JwtVerifier, TokenRejectedError } from './jwt-verifier.js';
import { ProxyHeaderError, ProxyIdentity, type RequestSource } from './proxy-identity.js';

const BEARER_PATTERN = /^Bearer +([^\s,]+) *$/i;
/** A JWS in compact serialization: three base64url parts separated by dots. */
const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Establishes who sent a request with the configured auth modes. Credentials that fail give
 * 401, never an anonymous identity.
 */
export class Authenticator {
  private readonly tokens: BearerTokenSet;
  private readonly proxy: ProxyIdentity;

  constructor(
    private readonly config: AuthConfig,
    private readonly jwt: JwtVerifier | null,
    logger: FastifyBaseLogger,
  ) {
    this.tokens = new BearerTokenSet(config.bearer_tokens);
    this.proxy = new ProxyIdentity(config.proxy, logger);
  }

  /**
   * Creates the authenticator, loading the JWT key from `env` or its file. Throws a
   * GatewayConfigError when the key cannot be loaded.
   */
  static async create(
    config: AuthConfig,
    env: NodeJS.ProcessEnv,
    logger: FastifyBaseLogger,
  ): Promise<Authenticator> {
    const verifier = config.jwt === null
      ? null
      : new JwtVerifier(config.jwt, await loadJwtKey(config.jwt, env));
    return new Authenticator(config, verifier, logger);
  }

  /**
   * Returns the identity of the request: from the Authorization header when it has one, else
   * from a trusted proxy's headers, else anonymous when anonymous access is on. Throws a
   * GatewayHttpError 401 (`unauthenticated`, or `token_expired` for an expired JWT).
   */
  async authenticate(request: RequestSource): Promise<Identity> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      return this.fromAuthorization(String(authorization));
    }

    let proxyUser;
    try {
      proxyUser = this.proxy.readUser(request);
    } catch (error) {
      if (error instanceof ProxyHeaderError) {
        throw unauthenticated(`${error.message} Check the reverse proxy's configuration.`);
      }
      throw error;
    }
    if (proxyUser !== undefined) {
      return userIdentity('proxy', proxyUser.user, proxyUser.groups);
    }

    if (this.config.anonymous === false) {
      throw unauthenticated(`This gateway needs ${this.credentialsHint()}.`);
    }
    return anonymousIdentity(this.clientAddress(request));
  }

  /** Returns the client's address, looking behind trusted proxies. */
  clientAddress(request: RequestSource): string {
    return this.proxy.clientAddress(request);
  }

  /** Describes the credentials the configured modes accept, for messages. */
  credentialsHint(): string {
    const headerKinds: string[] = [];
    if (this.jwt !== null) {
      headerKinds.push('a signed user token');
    }
    if (this.tokens.size > 0) {
      headerKinds.push('a bearer token');
    }
    const parts: string[] = [];
    if (headerKinds.length > 0) {
      parts.push(`${headerKinds.join(' or ')} in the Authorization header`);
    }
    if (this.config.proxy !== null) {
      parts.push('a sign-in through the reverse proxy in front of it');
    }
    return parts.length === 0 ? 'credentials, but no auth mode is configured' : parts.join(', or ');
  }

  private async fromAuthorization(header: string): Promise<Identity> {
    const match = BEARER_PATTERN.exec(header);
    if (match === null) {
      throw unauthenticated(
        'The Authorization header must have the form "Bearer <token>"; other schemes are not ' +
          'supported.',
      );
    }
    const credential = match[1]!;

    if (this.jwt !== null && JWT_PATTERN.test(credential)) {
      try {
        const { user, groups } = await this.jwt.verify(credential);
        return userIdentity('jwt', user, groups);
      } catch (error) {
        if (error instanceof TokenRejectedError) {
          throw new GatewayHttpError(
            401,
            error.expired ? 'token_expired' : 'unauthenticated',
            `The signed user token was rejected: ${error.message}.`,
            { 'www-authenticate': 'Bearer error="invalid_token"' },
          );
        }
        throw error;
      }
    }

    const name = this.tokens.match(credential);
    if (name === undefined) {
      throw new GatewayHttpError(
        401,
        'unauthenticated',
        this.tokens.size === 0 && this.jwt === null
          ? 'This gateway accepts no tokens; remove the Authorization header.'
          : `The token in the Authorization header is not valid here; this gateway needs ` +
            `${this.credentialsHint()}.`,
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    }
    return tokenIdentity(name);
  }
}

/** Creates a 401 `unauthenticated` error with a `WWW-Authenticate` challenge. */
export function unauthenticated(message: string): GatewayHttpError {
  return new GatewayHttpError(401, 'unauthenticated', message, { 'www-authenticate': 'Bearer' });
}
