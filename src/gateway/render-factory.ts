import type { Job } from '../connect/index.js';
import type { ReportConfig } from './config.js';
import { summarizeReason } from './follow-render.js';
import { createRenderId, type HandleSigner } from './handles.js';
import { Redactor } from './redaction.js';
import type { FollowedRender } from './render-history.js';
import { RenderGroup } from './render-group.js';
import { endedJobOutcome, jobStartedAt } from './render-jobs.js';
import { RenderLog } from './render-log.js';
import { RenderRecord } from './render-record.js';

/** Fields of a new record that depend on how the gateway learned of the render. */
export type RecordOrigin = Pick<RenderRecord, 'startedAt' | 'startedBy' | 'requester' | 'jobKey'>;

/**
 * Creates render records: each gets a random render id, a handle signed with the gateway's
 * secret, and a log that redacts with the report's patterns and the gateway's secrets.
 */
export class RenderFactory {
  private readonly redactors = new Map<string, Redactor>();

  constructor(
    private readonly handles: HandleSigner,
    /** Values that redaction removes from exposed lines and reasons, such as the API key. */
    private readonly secrets: readonly string[],
  ) {}

  /** Creates the record of a running render of the report's variant. */
  create(
    name: string,
    report: ReportConfig,
    variant: string | null,
    origin: RecordOrigin,
  ): RenderRecord {
    const renderId = createRenderId();
    const handle = this.handles.issue({
      report: name,
      variant,
      renderId,
      startedAt: origin.startedAt,
    });
    const redactLine = this.redactor(name, report).createLineRedactor();
    const log = new RenderLog(report.log, redactLine);
    return new RenderRecord({ handle, renderId, reportName: name, variant, log, ...origin });
  }

  /**
   * Creates the records of a running render of `variant` for every report in `reports`, which
   * share the render key `key`. The first report is the group's primary member.
   */
  createGroup(
    key: string,
    variant: string | null,
    reports: ReadonlyArray<{ name: string; report: ReportConfig }>,
    origin: RecordOrigin,
  ): RenderGroup {
    const members = reports.map(({ name, report }) => ({
      name,
      report,
      record: this.create(name, report, variant, origin),
    }));
    const followed: FollowedRender = {
      startedAt: origin.startedAt,
      finishedAt: null,
      state: 'running',
      jobKey: origin.jobKey,
      startedByGateway: origin.startedBy !== null,
      requester: origin.requester,
    };
    return new RenderGroup(key, variant, members, followed);
  }

  /** Creates the finished record of a render job that ended while no gateway followed it. */
  createEnded(name: string, report: ReportConfig, variant: string | null, job: Job): RenderRecord {
    const record = this.create(name, report, variant, {
      startedAt: jobStartedAt(job),
      startedBy: null,
      requester: null,
      jobKey: job.key,
    });
    const outcome = endedJobOutcome(job);
    const finishedAt = outcome.kind === 'aborted' ? new Date() : outcome.finishedAt ?? new Date();
    if (outcome.kind === 'succeeded') {
      record.succeed(finishedAt);
    } else if (outcome.kind === 'failed') {
      record.fail(this.describeFailure(name, report, outcome.reason), finishedAt);
    } else if (outcome.kind === 'unknown') {
      record.markUnknown(this.describeFailure(name, report, outcome.reason), finishedAt);
    }
    return record;
  }

  /** Redacts a failure reason in full, then shortens it to one line. */
  describeFailure(name: string, report: ReportConfig, reason: string): string {
    return summarizeReason(this.redactor(name, report).redactText(reason));
  }

  private redactor(name: string, report: ReportConfig): Redactor {
    let redactor = this.redactors.get(name);
    if (redactor === undefined) {
      redactor = new Redactor({ secrets: this.secrets, patterns: report.redact });
      this.redactors.set(name, redactor);
    }
    return redactor;
  }
}
