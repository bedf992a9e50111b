import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RefreshAccepted, RenderProgress } from '../protocol/index.js';
import { mayCancel } from './auth/authorize.js';
import { requesterName } from './auth/identity.js';
import type { ReportConfig } from './config.js';
import { GatewayHttpError } from './errors.js';
import { holdUntilProgress } from './held-progress.js';
import type { HandleSigner } from './handles.js';
import type { RenderRecord } from './render-record.js';
import type { RenderRegistry } from './render-registry.js';
import type { ReportCatalog } from './report-catalog.js';
import { recentRenders, reportStatus } from './report-reads.js';
import { DEFAULT_RECENT_RENDERS, MAX_RECENT_RENDERS } from './render-history.js';
import { CANCEL_ROUTE, REFRESH_ROUTE, type RequestGate } from './request-gate.js';
import {
  checkCancelBody,
  checkRefreshBody,
  parseProgressQuery,
  parseRendersQuery,
  readVariantQuery,
  unknownRender,
  unknownReport,
} from './request-input.js';
import { resolveVariant } from './variants.js';

export interface RouteContext {
  catalog: ReportCatalog;
  renders: RenderRegistry;
  /** Verifies handles, so a progress request is authorized before any Connect call. */
  handles: HandleSigner;
  gate: RequestGate;
  /** Aborts when the gateway closes; releases held requests. */
  closeSignal: AbortSignal;
  /** Maximum number of progress requests held at once; more get 429. */
  maxHeldRequests: number;
  /** Minimum hold in ms that new log lines alone end; see LOG_BATCH_MS. */
  logBatchMs: number;
  /**
   * True when replicas share renders through Redis. A replica that follows another's render
   * gets its lines a moment later, so a client that a load balancer sends from replica to
   * replica may ask for lines beyond those this replica has.
   */
  replicated: boolean;
}

/**
 * Registers the protocol's routes. The request gate's hooks authenticate, rate-limit and
 * authorize each request before its handler runs, and each handler checks the request's
 * variant before any Connect call.
 */
export function registerRoutes(app: FastifyInstance, context: RouteContext): void {
  const { catalog, renders, gate } = context;

  app.get<{ Params: { name: string } }>(
    '/v1/reports/:name',
    { onRequest: gate.reportHook('read') },
    async (request) => {
      const name = request.params.name;
      const report = findReport(catalog, name);
      const variant = resolveVariant(name, report, readVariantQuery(request.query));
      const canCancel = mayCancel(request.identity, report);
      return reportStatus(context, name, variant, canCancel, request.log);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/reports/:name/renders',
    { onRequest: gate.reportHook('read') },
    async (request) => {
      const name = request.params.name;
      const query = parseRendersQuery(request.query, DEFAULT_RECENT_RENDERS, MAX_RECENT_RENDERS);
      const variant = resolveVariant(name, findReport(catalog, name), query.variant);
      return recentRenders(context, name, variant, query.limit, request.log);
    },
  );

  app.post<{ Params: { name: string } }>(
    REFRESH_ROUTE,
    { onRequest: gate.reportHook('refresh') },
    async (request, reply) => {
      checkRefreshBody(request.body);
      const name = request.params.name;
      const report = findReport(catalog, name);
      const variant = resolveVariant(name, report, readVariantQuery(request.query));

      let refreshed;
      try {
        refreshed = await renders.refresh(name, report, {
          variant,
          who: gate.who(request),
          requester: requesterName(request.identity),
          log: request.log,
        });
      } catch (error) {
        // The registry writes the audit line of its own refusals and failures.
        gate.markAudited(error);
        throw error;
      }
      const body: RefreshAccepted = { ...refreshed.record.summary(), joined: refreshed.joined };
      return reply.code(202).send(body);
    },
  );

  const heldRequests = { count: 0 };
  app.get<{ Params: { handle: string } }>(
    '/v1/renders/:handle',
    { onRequest: gate.admitHook('read') },
    async (request, reply) => {
      const { after, wait } = parseProgressQuery(request.query);
      const handle = request.params.handle;
      // The handle names its report, so reading is authorized before the registry may ask
      // Connect about a render it does not hold in memory.
      const claims = context.handles.verify(handle);
      if (claims === null || catalog.find(claims.report) === undefined) {
        throw unknownRender();
      }
      gate.authorizeReport(request, claims.report, 'read');
      const record = await renders.resolve(handle);
      if (record === undefined) {
        throw unknownRender();
      }
      return renderProgress(context, heldRequests, {
        record,
        handle,
        handleId: claims.renderId,
        after,
        wait,
        reply,
      });
    },
  );

  app.post<{ Params: { handle: string } }>(
    CANCEL_ROUTE,
    { onRequest: gate.admitHook('cancel') },
    async (request) => {
      checkCancelBody(request.body);
      const handle = request.params.handle;
      const claims = context.handles.verify(handle);
      if (claims === null || catalog.find(claims.report) === undefined) {
        throw unknownRender();
      }
      // Both lists apply, so that a cancel also shows no more than the caller may read.
      gate.authorizeReport(request, claims.report, 'read');
      gate.authorizeReport(request, claims.report, 'cancel');
      try {
        return await renders.cancel(handle, { who: gate.who(request), log: request.log });
      } catch (error) {
        // The registry writes the audit line of its own refusals and failures.
        gate.markAudited(error);
        throw error;
      }
    },
  );
}

interface ProgressRequest {
  record: RenderRecord;
  handle: string;
  /** Render id inside the handle, which log lines show in place of the handle. */
  handleId: string;
  after: number;
  wait: number;
  reply: FastifyReply;
}

/** Returns a render's progress, holding the request first while `wait` allows it. */
async function renderProgress(
  context: RouteContext,
  heldRequests: { count: number },
  { record, handle, handleId, after, wait, reply }: ProgressRequest,
): Promise<RenderProgress> {
  if (after > record.visibleLineCount && !context.replicated) {
    throw new GatewayHttpError(
      400,
      'invalid_request',
      `Query parameter after is ${after}, but the render has produced ` +
        `${record.visibleLineCount} lines so far; pass the next value of the previous response.`,
    );
  }

  if (wait > 0 && record.isRunning && record.visibleLineCount <= after) {
    if (heldRequests.count >= context.maxHeldRequests) {
      throw new GatewayHttpError(
        429,
        'rate_limited',
        'Too many progress requests are waiting; retry after a second.',
        { 'retry-after': '1' },
      );
    }
    heldRequests.count += 1;
    try {
      const reason = await holdUntilProgress(record, after, reply, {
        waitSeconds: wait,
        logBatchMs: context.logBatchMs,
        closeSignal: context.closeSignal,
      });
      reply.request.log.debug({ handle_id: handleId, reason }, 'Released a held progress request');
    } finally {
      heldRequests.count -= 1;
    }
  }

  const lastRenderedAt = await context.catalog.knownLastRenderedAt(record.reportName,
    record.variant);
  return record.progress(handle, after, lastRenderedAt);
}

function findReport(catalog: ReportCatalog, name: string): ReportConfig {
  const report = catalog.find(name);
  if (report === undefined) {
    throw unknownReport(name);
  }
  return report;
}
