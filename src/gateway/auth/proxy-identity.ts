import { isIP } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ProxyConfig } from '../config.js';
import { AddressSet, normalizeAddress } from './address-blocks.js';
import { MAX_NAME_LENGTH } from './identity.js';
import type { TokenUser } from './jwt-verifier.js';

/** Minimum time between two warnings about identity headers from untrusted addresses. */
export const UNTRUSTED_WARNING_INTERVAL_MS = 60_000;

/** The parts of a request that identity and client address come from. */
export interface RequestSource {
  headers: Record<string, string | string[] | undefined>;
  /** Address of the TCP peer; undefined when the socket is already closed. */
  remoteAddress: string | undefined;
  /**
   * Header names and values as received, in Node's `rawHeaders` form. Node joins repeated
   * headers into one value in `headers`, so only these show a header sent twice.
   */
  rawHeaders?: readonly string[];
}

/** A user header that a trusted proxy sent but that names no single user. */
export class ProxyHeaderError extends Error {
  override name = 'ProxyHeaderError';
}

/**
 * Reads the user a trusted reverse proxy signed in, and the client address behind it. Headers
 * from other addresses are ignored, because any client can send them.
 */
export class ProxyIdentity {
  private readonly trusted: AddressSet;
  private readonly userHeader: string | null;
  private readonly groupsHeader: string | null;
  private lastWarningMs = -Infinity;
  private suppressedWarnings = 0;

  constructor(
    config: ProxyConfig | null,
    private readonly logger: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.trusted = new AddressSet(config?.trusted_proxies ?? []);
    this.userHeader = config?.user_header.toLowerCase() ?? null;
    this.groupsHeader = config?.groups_header?.toLowerCase() ?? null;
  }

  /**
   * Returns the user from the proxy's headers, or undefined when the request has no user
   * header or does not come from a trusted proxy. Throws a ProxyHeaderError when a trusted
   * proxy sent a user header that is not a single name, as when the proxy appended its
   * value to one the client sent.
   */
  readUser(request: RequestSource): TokenUser | undefined {
    if (this.userHeader === null) {
      return undefined;
    }
    const user = headerValue(request.headers[this.userHeader]);
    if (user === undefined) {
      return undefined;
    }
    if (!this.trusted.has(request.remoteAddress)) {
      this.warnUntrusted(request.remoteAddress);
      return undefined;
    }
    if (user === '' || user.includes(',') || user.length > MAX_NAME_LENGTH) {
      throw new ProxyHeaderError(
        `The proxy's ${this.userHeader} header does not contain a single user name.`,
      );
    }
    return { user, groups: this.readGroups(request) };
  }

  /**
   * Returns the address of the client: the TCP peer, or, when the peer is a trusted proxy,
   * the nearest address in `X-Forwarded-For` that is not a trusted proxy itself.
   */
  clientAddress(request: RequestSource): string {
    const peer = normalizeAddress(request.remoteAddress ?? 'unknown');
    if (!this.trusted.has(request.remoteAddress)) {
      return peer;
    }
    const forwarded = headerValue(request.headers['x-forwarded-for']);
    if (forwarded === undefined) {
      return peer;
    }
    const hops = forwarded.split(',').map((hop) => hop.trim()).reverse();
    let nearest = peer;
    for (const hop of hops) {
      if (isIP(hop) === 0) {
        // Entries left of a malformed one are unverifiable, so the nearest good hop counts.
        break;
      }
      nearest = normalizeAddress(hop);
      if (!this.trusted.has(hop)) {
        break;
      }
    }
    return nearest;
  }

  /**
   * Returns the groups of the proxy's groups header. Throws a ProxyHeaderError when the header
   * came more than once, as when the proxy appended its value to one the client sent: Node
   * would merge both into one list.
   */
  private readGroups(request: RequestSource): string[] {
    if (this.groupsHeader === null) {
      return [];
    }
    if (countHeader(request.rawHeaders, this.groupsHeader) > 1) {
      throw new ProxyHeaderError(
        `The proxy sent the ${this.groupsHeader} header more than once, so its groups cannot ` +
          'be told from ones the client sent.',
      );
    }
    const value = headerValue(request.headers[this.groupsHeader]) ?? '';
    return value
      .split(',')
      .map((group) => group.trim())
      .filter((group) => group !== '' && group.length <= MAX_NAME_LENGTH);
  }

  /** Logs at most one warning per interval, with the number of warnings left out since. */
  private warnUntrusted(address: string | undefined): void {
    const now = this.now();
    if (now - this.lastWarningMs < UNTRUSTED_WARNING_INTERVAL_MS) {
      this.suppressedWarnings += 1;
      return;
    }
    this.logger.warn(
      {
        clientAddress: address ?? null,
        header: this.userHeader,
        suppressedSinceLastWarning: this.suppressedWarnings,
      },
      'Ignored a proxy identity header from an address that is not in auth.proxy.trusted_proxies',
    );
    this.lastWarningMs = now;
    this.suppressedWarnings = 0;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) {
    return value.join(', ').trim();
  }
  return value?.trim();
}

/** Returns how often the header `name` (in lower case) occurs in `rawHeaders`. */
function countHeader(rawHeaders: readonly string[] | undefined, name: string): number {
  const entries = rawHeaders ?? [];
  let count = 0;
  // Even indexes hold the names, odd ones the values.
  for (let i = 0; i < entries.length; i += 2) {
    if (entries[i]?.toLowerCase() === name) {
      count += 1;
    }
  }
  return count;
}
