import type {
  CancelResult,
  RecentRenders,
  RefreshAccepted,
  RenderProgress,
  ReportStatus,
} from '../protocol/index.js';
import {
  cancelRender,
  readRecentRenders,
  readRenderProgress,
  readReportStatus,
  type RequestAuth,
  requestRefresh,
} from './gateway-client.js';
import { GatewayRequestError } from './gateway-errors.js';
import type { TokenStore } from './token-store.js';

/** The element's setting for cookies, read at each request so that a change applies at once. */
export interface CookieSettings {
  /** True to send cookies to a gateway on another origin (see RequestAuth). */
  readonly withCredentials: boolean;
}

/**
 * Gateway calls of one element, each sent with the element's bearer token and cookie setting.
 * When the gateway rejects the token with 401 `token_expired` or `unauthenticated` and a token
 * provider is set, the call fetches a fresh token once and sends the request once more. The gateway rejects such a
 * request before it acts on it, so sending a refresh again starts at most one render.
 */
export class AuthorizedGateway {
  /** Base URL of the gateway. */
  readonly base: string;

  private readonly tokens: TokenStore;
  private readonly cookies: CookieSettings;

  constructor(base: string, tokens: TokenStore, cookies: CookieSettings) {
    this.base = base;
    this.tokens = tokens;
    this.cookies = cookies;
  }

  readReportStatus(
    report: string,
    variant: string | null,
    signal: AbortSignal,
  ): Promise<ReportStatus> {
    return this.send(
      signal,
      (auth) => readReportStatus(this.base, report, signal, auth, variant),
    );
  }

  requestRefresh(
    report: string,
    variant: string | null,
    signal: AbortSignal,
  ): Promise<RefreshAccepted> {
    return this.send(signal, (auth) => requestRefresh(this.base, report, signal, auth, variant));
  }

  readRecentRenders(
    report: string,
    variant: string | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<RecentRenders> {
    return this.send(
      signal,
      (auth) => readRecentRenders(this.base, report, variant, limit, signal, auth),
    );
  }

  cancelRender(handle: string, signal: AbortSignal): Promise<CancelResult> {
    return this.send(signal, (auth) => cancelRender(this.base, handle, signal, auth));
  }

  readRenderProgress(
    handle: string,
    after: number,
    waitSeconds: number,
    signal: AbortSignal,
  ): Promise<RenderProgress> {
    return this.send(
      signal,
      (auth) => readRenderProgress(this.base, handle, after, waitSeconds, signal, auth),
    );
  }

  private async send<T>(
    signal: AbortSignal,
    call: (auth: RequestAuth) => Promise<T>,
  ): Promise<T> {
    const token = await this.tokens.tokenFor(signal);

    try {
      return await call(this.auth(token));
    } catch (error) {
      if (!this.tokens.canRenew || !isRejectedToken(error)) {
        throw error;
      }

      const fresh = await this.tokens.renew(token, signal);

      return call(this.auth(fresh));
    }
  }

  private auth(token: string | null): RequestAuth {
    return { token, withCredentials: this.cookies.withCredentials === true };
  }
}

/** Returns whether the gateway rejected the request's credentials so that a new token may help. */
function isRejectedToken(error: unknown): boolean {
  return error instanceof GatewayRequestError
    && error.status === 401
    && (error.code === 'token_expired' || error.code === 'unauthenticated');
}
