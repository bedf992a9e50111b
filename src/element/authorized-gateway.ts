import type { RefreshAccepted, RenderProgress, ReportStatus } from '../protocol/index.js';
import { readRenderProgress, readReportStatus, requestRefresh } from './gateway-client.js';
import { GatewayRequestError } from './gateway-errors.js';
import type { TokenStore } from './token-store.js';

/**
 * Gateway calls of one element, each sent with the element's bearer token. When the gateway
 * rejects the token with 401 `token_expired` or `unauthenticated` and a token provider is set,
 * the call fetches a fresh token once and sends the request once more. The gateway rejects such a
 * request before it acts on it, so sending a refresh again starts at most one render.
 */
export class AuthorizedGateway {
  /** Base URL of the gateway. */
  readonly base: string;

  private readonly tokens: TokenStore;

  constructor(base: string, tokens: TokenStore) {
    this.base = base;
    this.tokens = tokens;
  }

  readReportStatus(report: string, signal: AbortSignal): Promise<ReportStatus> {
    return this.send(signal, (token) => readReportStatus(this.base, report, signal, token));
  }

  requestRefresh(report: string, signal: AbortSignal): Promise<RefreshAccepted> {
    return this.send(signal, (token) => requestRefresh(this.base, report, signal, token));
  }

  readRenderProgress(
    handle: string,
    after: number,
    waitSeconds: number,
    signal: AbortSignal,
  ): Promise<RenderProgress> {
    return this.send(
      signal,
      (token) => readRenderProgress(this.base, handle, after, waitSeconds, signal, token),
    );
  }

  private async send<T>(
    signal: AbortSignal,
    call: (token: string | null) => Promise<T>,
  ): Promise<T> {
    const token = await this.tokens.tokenFor(signal);

    try {
      return await call(token);
    } catch (error) {
      if (!this.tokens.canRenew || !isRejectedToken(error)) {
        throw error;
      }

      const fresh = await this.tokens.renew(token, signal);

      return call(fresh);
    }
  }
}

/** Returns whether the gateway rejected the request's credentials so that a new token may help. */
function isRejectedToken(error: unknown): boolean {
  return error instanceof GatewayRequestError
    && error.status === 401
    && (error.code === 'token_expired' || error.code === 'unauthenticated');
}
