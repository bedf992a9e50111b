/** Source of a request's identity: none, a bearer token, a signed user token or the proxy. */
export type IdentityKind = 'anonymous' | 'token' | 'jwt' | 'proxy';

/** The sender of a request, as the auth modes established it. */
export interface Identity {
  kind: IdentityKind;
  /** User name from a signed user token or the proxy; null for anonymous and token callers. */
  user: string | null;
  groups: string[];
  /** Configured name of the bearer token (never the token itself), or null. */
  token: string | null;
  /**
   * Short description for logs, messages and rate limit keys, such as "anonymous 127.0.0.1",
   * "token nightly-scheduler" or "user alice". It never contains a credential.
   */
  label: string;
}

/** Maximum length of a user or group name taken from a token or a proxy header. */
export const MAX_NAME_LENGTH = 256;

export function anonymousIdentity(clientAddress: string): Identity {
  return {
    kind: 'anonymous',
    user: null,
    groups: [],
    token: null,
    label: `anonymous ${clientAddress}`,
  };
}

export function tokenIdentity(name: string): Identity {
  return { kind: 'token', user: null, groups: [], token: name, label: `token ${name}` };
}

/** Creates the identity of a signed-in user, from a signed user token or a trusted proxy. */
export function userIdentity(kind: 'jwt' | 'proxy', user: string, groups: string[]): Identity {
  return { kind, user, groups, token: null, label: `user ${user}` };
}

/**
 * Returns the name that the recent renders list shows for a render this identity started:
 * the user name, else the bearer token's configured name, else null for anonymous callers,
 * whose client address stays out of responses.
 */
export function requesterName(identity: Identity | null): string | null {
  return identity?.user ?? identity?.token ?? null;
}
