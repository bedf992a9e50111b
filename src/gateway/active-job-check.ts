import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job } from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import type { ReportConfig } from './config.js';
import { connectFailureFields, connectFailureReason } from './connect-failures.js';
import { activeRenderJob } from './render-jobs.js';

/** How long an answer of the status route's job-list check is kept per content, in ms. */
export const ACTIVE_JOB_CHECK_TTL_MS = 5_000;

/** Minimum time between two warnings about failed checks of one content, in ms. */
export const CHECK_WARNING_INTERVAL_MS = 60_000;

interface WarningState {
  lastWarnedAtMs: number;
  /** Failures since the last warning that were not logged. */
  suppressed: number;
}

/**
 * Looks for a render job active on Connect for the status route, so that a status shows
 * renders that started elsewhere: a schedule, the Connect dashboard or the API. Each answer,
 * "none" included, is kept for ACTIVE_JOB_CHECK_TTL_MS per content GUID, and concurrent
 * checks share one Connect call. A failed job-list read counts as "none" for that time and
 * logs a warning at most once per CHECK_WARNING_INTERVAL_MS per content.
 */
export class ActiveJobChecks {
  private readonly byGuid = new Map<string, CachedValue<Job | undefined>>();
  private readonly warnings = new Map<string, WarningState>();

  constructor(
    private readonly client: ConnectClient,
    private readonly logger: FastifyBaseLogger,
    /** Aborts when the gateway closes. */
    private readonly signal: AbortSignal,
  ) {}

  /** Returns the newest render job active on Connect for the report, or undefined. */
  find(name: string, report: ReportConfig): Promise<Job | undefined> {
    let check = this.byGuid.get(report.guid);
    if (check === undefined) {
      check = new CachedValue(() => this.load(name, report), ACTIVE_JOB_CHECK_TTL_MS);
      this.byGuid.set(report.guid, check);
    }
    return check.get();
  }

  /** Drops the stored answer for the content, because a render of it started or ended. */
  invalidate(guid: string): void {
    this.byGuid.get(guid)?.invalidate();
  }

  private async load(name: string, report: ReportConfig): Promise<Job | undefined> {
    try {
      return activeRenderJob(await this.client.listJobs(report.guid, this.signal));
    } catch (error) {
      this.warnFailure(name, report.guid, error);
      return undefined;
    }
  }

  private warnFailure(name: string, guid: string, error: unknown): void {
    if (this.signal.aborted) {
      return;
    }
    const nowMs = Date.now();
    const state = this.warnings.get(guid);
    if (state !== undefined && nowMs - state.lastWarnedAtMs < CHECK_WARNING_INTERVAL_MS) {
      state.suppressed += 1;
      return;
    }
    this.logger.warn(
      {
        report: name,
        ...connectFailureFields(error),
        reason: connectFailureReason(error),
        suppressed: state?.suppressed ?? 0,
      },
      'Could not read the job list to find a render started outside the gateway; ' +
        'the status shows no render in progress',
    );
    this.warnings.set(guid, { lastWarnedAtMs: nowMs, suppressed: 0 });
  }
}
