/** Function that fetches a fresh bearer token for the gateway, such as from the host app. */
export type TokenProvider = () => Promise<string>;

/** The element's token settings, read at each request so that a change applies at once. */
export interface TokenSettings {
  token: string | null;
  tokenProvider: TokenProvider | null;
}

/** Code of a token that the provider failed to return. */
export const TOKEN_UNAVAILABLE = 'token_unavailable';

/** Code of a token that cannot be sent in an `Authorization` header. */
export const INVALID_TOKEN = 'invalid_token';

/**
 * Time in ms that the element waits for a `tokenProvider` call to settle before it gives up on
 * that call with a TokenError whose `timedOut` is true.
 */
export const TOKEN_PROVIDER_TIMEOUT_MS = 15_000;

/** Details of a TokenError beyond its code and message. */
interface TokenErrorOptions {
  /** Reason that the provider's promise was rejected with. */
  cause?: unknown;
  /** True when the provider did not settle within TOKEN_PROVIDER_TIMEOUT_MS. */
  timedOut?: boolean;
}

/** A bearer token that could not be fetched or cannot be sent. The message never contains it. */
export class TokenError extends Error {
  override readonly name = 'TokenError';

  readonly code: typeof TOKEN_UNAVAILABLE | typeof INVALID_TOKEN;

  /** True when the provider did not settle in time, so that a later call may succeed. */
  readonly timedOut: boolean;

  constructor(code: TokenError['code'], message: string, options: TokenErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.timedOut = options.timedOut ?? false;
  }
}

/**
 * Visible ASCII without spaces. A JWT and RFC 6750's `b64token` fit, and such a value is always a
 * valid header value.
 */
const SENDABLE_TOKEN = /^[\x21-\x7E]+$/;

/** A token from the provider, and the element's `token` at the time of the provider call. */
interface RenewedToken {
  token: string;
  replaces: string | null;
}

/**
 * Bearer tokens of one element. The element's `token` is sent until the provider renews it, and
 * a token that the host page sets later wins over the renewed one. Overlapping renewals share
 * one provider call.
 */
export class TokenStore {
  private readonly settings: TokenSettings;
  private renewed: RenewedToken | null = null;
  private pending: Promise<string> | null = null;

  constructor(settings: TokenSettings) {
    this.settings = settings;
  }

  /** Whether a provider is set, so that a rejected token can be renewed. */
  get canRenew(): boolean {
    return typeof this.settings.tokenProvider === 'function';
  }

  /**
   * Returns the token for the next request: the known token, else a token from the provider,
   * else null. Throws TokenError when the token cannot be sent or the provider fails.
   */
  async tokenFor(signal: AbortSignal): Promise<string | null> {
    const known = this.knownToken();

    if (known !== null || !this.canRenew) {
      return known;
    }

    return this.renew(null, signal);
  }

  /**
   * Returns a fresh token from the provider in place of `rejected`. When another call has already
   * renewed `rejected`, returns that call's token without calling the provider again.
   */
  async renew(rejected: string | null, signal: AbortSignal): Promise<string> {
    const known = this.knownToken();

    if (known !== null && known !== rejected) {
      return known;
    }

    const provider = this.settings.tokenProvider;

    if (typeof provider !== 'function') {
      throw new TokenError(TOKEN_UNAVAILABLE, 'No tokenProvider is set to renew the token.');
    }

    this.pending ??= this.startRenewal(provider);

    return settleUnlessAborted(this.pending, signal);
  }

  /** Returns the renewed token unless the element's token changed since, else that token. */
  private knownToken(): string | null {
    const own = this.ownToken();

    if (this.renewed !== null && this.renewed.replaces === own) {
      return this.renewed.token;
    }

    if (own !== null && !SENDABLE_TOKEN.test(own)) {
      throw new TokenError(INVALID_TOKEN, 'The token property contains characters that an '
        + 'Authorization header cannot carry. Set it to the token alone, without spaces.');
    }

    return own;
  }

  private ownToken(): string | null {
    const token = this.settings.token;

    return typeof token === 'string' && token.trim() !== '' ? token.trim() : null;
  }

  private startRenewal(provider: TokenProvider): Promise<string> {
    const replaces = this.ownToken();
    const renewal = callProvider(provider).then((token) => {
      this.renewed = { token, replaces };
      return token;
    });
    const clear = () => {
      if (this.pending === renewal) {
        this.pending = null;
      }
    };
    renewal.then(clear, clear);

    return renewal;
  }
}

async function callProvider(provider: TokenProvider): Promise<string> {
  let value: unknown;

  try {
    value = await settleWithin(provider, TOKEN_PROVIDER_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof TokenError) {
      throw error;
    }

    throw new TokenError(TOKEN_UNAVAILABLE, 'The tokenProvider promise was rejected. '
      + 'The cause property has its reason.', { cause: error });
  }

  const token = typeof value === 'string' ? value.trim() : '';

  if (token === '') {
    throw new TokenError(TOKEN_UNAVAILABLE, 'The tokenProvider returned no token. It must '
      + 'resolve to a non-empty string.');
  }

  if (!SENDABLE_TOKEN.test(token)) {
    throw new TokenError(INVALID_TOKEN, 'The tokenProvider returned a token with characters that '
      + 'an Authorization header cannot carry. Return the token alone, without spaces.');
  }

  return token;
}

/**
 * Settles like the provider's promise, or rejects with a timed-out TokenError when that promise
 * has not settled after `timeoutMs`. A provider that settles later is ignored, and the next
 * renewal calls it again.
 */
function settleWithin(provider: TokenProvider, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new TokenError(TOKEN_UNAVAILABLE, `The tokenProvider did not settle within `
        + `${timeoutMs / 1000} s. Make it resolve or reject sooner.`, { timedOut: true }));
    }, timeoutMs);

    // A provider that throws at once counts as one whose promise was rejected.
    new Promise<unknown>((settle) => settle(provider()))
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as the signal aborts. The
 * promise itself goes on, so its result stays shared with other callers.
 */
function settleUnlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }

    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
