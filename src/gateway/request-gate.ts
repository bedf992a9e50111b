import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { auditCancel, auditRefusal } from './audit.js';
import type { Authenticator } from './auth/authenticate.js';
import { authorize, type ReportAction } from './auth/authorize.js';
import type { Identity } from './auth/identity.js';
import type { RequestSource } from './auth/proxy-identity.js';
import type { RateLimitConfig, ReportConfig } from './config.js';
import { GatewayHttpError } from './errors.js';
import { rateLimited } from './rate-limit.js';
import type { RateLimitStore } from './shared-state/types.js';
import { checkJsonContentType, unknownReport } from './request-input.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Sender of the request, once the request gate admitted it; null before. */
    identity: Identity | null;
  }
}

/** Route of refresh requests, whose refusals go to the audit log. */
export const REFRESH_ROUTE = '/v1/reports/:name/refresh';
/** Route of cancel requests, whose refusals go to the audit log too. */
export const CANCEL_ROUTE = '/v1/renders/:handle/cancel';

export interface RequestGateOptions {
  authenticator: Authenticator;
  rateLimit: RateLimitConfig;
  /** Store of the token buckets: memory, or Redis shared by the replicas. */
  rateLimits: RateLimitStore;
  /** Returns the configured report of that name, if any. */
  findReport(name: string): ReportConfig | undefined;
  /** Returns the report name of a valid render handle, or undefined; for audit lines. */
  reportOfHandle(handle: string): string | undefined;
}

/**
 * Admits requests before they reach a route handler: it authenticates the sender, applies the
 * per-client rate limits and checks the report's access lists. A request refused here causes
 * no Connect call.
 */
export class RequestGate {
  /** Errors that the render registry already wrote to the audit log. */
  private readonly auditedErrors = new WeakSet<object>();

  constructor(private readonly options: RequestGateOptions) {}

  /** Adds the `identity` field to requests; call once before registering routes. */
  static decorate(app: FastifyInstance): void {
    app.decorateRequest('identity', null);
  }

  /**
   * Returns the onRequest hook of a route with a `:name` report parameter: for a refresh, the
   * JSON media type is checked first, so form posts get 415 before anything else.
   */
  reportHook(action: ReportAction): onRequestHookHandler {
    return async (request) => {
      if (action === 'refresh') {
        checkJsonContentType(request.headers['content-type']);
      }
      await this.admit(request, action);
      const name = (request.params as { name: string }).name;
      this.authorizeReport(request, name, action);
    };
  }

  /**
   * Returns the onRequest hook of a route whose report is known only inside the handler. A
   * cancel gets the JSON media type check first, as a refresh does.
   */
  admitHook(action: ReportAction): onRequestHookHandler {
    return async (request) => {
      if (action === 'cancel') {
        checkJsonContentType(request.headers['content-type']);
      }
      await this.admit(request, action);
    };
  }

  /**
   * Authenticates the request, stores its identity and takes one request from the sender's
   * rate limit. A request whose credentials fail takes one from the limit of its client
   * address, so guessing tokens runs into 429 as well. Throws a GatewayHttpError 401 or 429.
   */
  async admit(request: FastifyRequest, action: ReportAction): Promise<Identity> {
    const source = requestSource(request);
    let identity: Identity;
    try {
      identity = await this.options.authenticator.authenticate(source);
    } catch (error) {
      if (error instanceof GatewayHttpError && error.statusCode === 401) {
        await this.takeRequest(action, this.options.authenticator.clientAddress(source));
      }
      throw error;
    }
    request.identity = identity;
    await this.takeRequest(action, identity.label);
    return identity;
  }

  /**
   * Takes one request from the client's limit for the action; throws 429 when none is left.
   * Refresh and cancel requests share the limit `refresh_per_minute`.
   */
  private async takeRequest(action: ReportAction, client: string): Promise<void> {
    const limits = this.options.rateLimit;
    const retryAfterS = action === 'read'
      ? await this.options.rateLimits.take('read', client, limits.reads_per_minute)
      : await this.options.rateLimits.take('refresh', client, limits.refresh_per_minute);
    if (retryAfterS <= 0) {
      return;
    }
    switch (action) {
      case 'refresh':
        throw rateLimited('refresh requests', client, limits.refresh_per_minute, retryAfterS);
      case 'cancel':
        throw rateLimited('refresh and cancel requests', client, limits.refresh_per_minute,
          retryAfterS);
      case 'read':
        throw rateLimited('status and progress requests', client, limits.reads_per_minute,
          retryAfterS);
    }
  }

  /**
   * Returns the configured report after checking that the admitted sender may perform the
   * action on it. Throws a GatewayHttpError 404, 401 or 403.
   */
  authorizeReport(request: FastifyRequest, name: string, action: ReportAction): ReportConfig {
    const report = this.options.findReport(name);
    if (report === undefined) {
      throw unknownReport(name);
    }
    if (request.identity === null) {
      throw new Error('authorizeReport() needs an admitted request; call admit() first.');
    }
    const hint = this.options.authenticator.credentialsHint();
    authorize(request.identity, name, report, action, hint);
    return report;
  }

  /** Returns the sender for logs: the identity label, or the client address before admission. */
  who(request: FastifyRequest): string {
    if (request.identity !== null) {
      return request.identity.label;
    }
    return this.options.authenticator.clientAddress(requestSource(request));
  }

  /** Marks an error that the render registry wrote to the audit log itself. */
  markAudited(error: unknown): void {
    if (typeof error === 'object' && error !== null) {
      this.auditedErrors.add(error);
    }
  }

  /**
   * Writes the audit line of a refresh or cancel request refused before the render registry,
   * such as for missing credentials, a rate limit, an origin or a media type. Other routes and
   * errors the registry audited are skipped.
   */
  auditRefusal(request: FastifyRequest, error: GatewayHttpError, cause: unknown): void {
    const route = request.routeOptions.url;
    if (this.auditedErrors.has(cause as object)) {
      return;
    }
    if (route === REFRESH_ROUTE) {
      const name = (request.params as { name?: string } | undefined)?.name ?? '';
      auditRefusal(request.log, name, this.who(request), error.code);
    } else if (route === CANCEL_ROUTE) {
      const handle = (request.params as { handle?: string } | undefined)?.handle ?? '';
      const report = this.options.reportOfHandle(handle) ?? '';
      const who = this.who(request);
      auditCancel(request.log, { report, who, outcome: 'refused', code: error.code });
    }
  }
}

function requestSource(request: FastifyRequest): RequestSource {
  return {
    headers: request.headers,
    remoteAddress: request.socket.remoteAddress,
    rawHeaders: request.raw.rawHeaders,
  };
}
