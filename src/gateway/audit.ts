/**
 * Audit log lines: one `refresh` line per refresh request and one `cancel` line per cancel
 * request, whatever their outcome, and one `render finished` line per render that ends while
 * the gateway follows it. The lines are
 * structured pino records that carry no secret: `who` is an identity label or a client
 * address, and `handle_id` is the render id inside the handle, never the handle itself.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayErrorCode, RenderState } from '../protocol/index.js';

/** Outcome of a refresh request. */
export type RefreshOutcome = 'started' | 'joined' | 'refused';

export interface RefreshAudit {
  /** Report name from the request path. */
  report: string;
  /** Variant key of the render, null for the content's default; absent before it is known. */
  variant?: string | null;
  /** Identity label such as "user alice" or "token nightly-scheduler", or a client address. */
  who: string;
  outcome: RefreshOutcome;
  /** Error code of a refused request. */
  code?: GatewayErrorCode;
  /** Render id of the started or joined render. */
  handleId?: string;
}

/**
 * Outcome of a cancel request: Connect registered the gateway's kill order, the request joined
 * an order already under way, the render had ended before any order took effect, or the
 * gateway refused the request or Connect failed.
 */
export type CancelOutcome = 'ordered' | 'joined' | 'ended' | 'refused';

export interface CancelAudit {
  /** Report name from the handle, or an empty string when the handle is not valid. */
  report: string;
  who: string;
  outcome: CancelOutcome;
  /** Error code of a refused request. */
  code?: GatewayErrorCode;
  /** Render id of the render to cancel. */
  handleId?: string;
}

export interface RenderFinishedAudit {
  report: string;
  /** Variant key of the render, or null for the content's default variant. */
  variant: string | null;
  state: Exclude<RenderState, 'running'>;
  durationMs: number;
  /** `who` of the request that started the render, or null when the gateway did not. */
  startedBy: string | null;
  /** `who` of the cancel request whose kill order ended a cancelled render. */
  cancelledBy?: string;
  /** Redacted reason of a failed render, or why the outcome of an `unknown` one is unknown. */
  reason?: string | null;
}

/** Maximum length of a logged report name; longer names from a request path are cut. */
const MAX_LOGGED_REPORT_LENGTH = 64;

/** Writes the `refresh` audit line. */
export function auditRefresh(logger: FastifyBaseLogger, entry: RefreshAudit): void {
  logger.info(
    {
      audit: true,
      report: entry.report.slice(0, MAX_LOGGED_REPORT_LENGTH),
      ...(entry.variant === undefined ? {} : { variant: entry.variant }),
      who: entry.who,
      outcome: entry.outcome,
      ...(entry.code === undefined ? {} : { code: entry.code }),
      ...(entry.handleId === undefined ? {} : { handle_id: entry.handleId }),
    },
    'refresh',
  );
}

/**
 * Writes the `refresh` audit line of a request refused before it reached the render
 * registry, for example for missing credentials, a rate limit or an unknown report.
 */
export function auditRefusal(
  logger: FastifyBaseLogger,
  report: string,
  who: string,
  code: GatewayErrorCode,
): void {
  auditRefresh(logger, { report, who, outcome: 'refused', code });
}

/** Writes the `cancel` audit line. */
export function auditCancel(logger: FastifyBaseLogger, entry: CancelAudit): void {
  logger.info(
    {
      audit: true,
      report: entry.report.slice(0, MAX_LOGGED_REPORT_LENGTH),
      who: entry.who,
      outcome: entry.outcome,
      ...(entry.code === undefined ? {} : { code: entry.code }),
      ...(entry.handleId === undefined ? {} : { handle_id: entry.handleId }),
    },
    'cancel',
  );
}

/**
 * Writes the `render finished` audit line, at warn level for a failed render and for one
 * whose outcome is unknown.
 */
export function auditRenderFinished(logger: FastifyBaseLogger, entry: RenderFinishedAudit): void {
  const unsuccessful = entry.state === 'failed' || entry.state === 'unknown';
  const fields = {
    audit: true,
    report: entry.report,
    variant: entry.variant,
    state: entry.state,
    duration_ms: Math.max(0, Math.round(entry.durationMs)),
    started_by: entry.startedBy,
    ...(unsuccessful ? { reason: entry.reason ?? null } : {}),
    ...(entry.state === 'cancelled' ? { cancelled_by: entry.cancelledBy ?? null } : {}),
  };
  if (unsuccessful) {
    logger.warn(fields, 'render finished');
  } else {
    logger.info(fields, 'render finished');
  }
}
