import type { Redactor } from '../gateway/redaction.js';
import type { RefreshAccepted, RenderProgress, ReportStatus } from '../protocol/index.js';
import { isGiveUpAbort, RetryClock } from './retry-clock.js';
import { CommandError, ExitCode } from './exit-codes.js';
import { GatewayRequestError, type GatewayRequester } from './gateway-requests.js';
import type { RenderEnd, RenderSource, RenderStart, ReportStatusView } from './render-source.js';
import { waitFailure } from './wait-failures.js';

/** Seconds that the gateway may hold each progress request; the protocol allows up to 30. */
const PROGRESS_WAIT_S = 25;
/** Pause after a failed request without Retry-After, in ms. */
const RETRY_PAUSE_MS = 2_000;

function unexpected(responseName: string): CommandError {
  return new CommandError(`--gateway does not look like a connect-refresh gateway: it sent an unexpected ` +
    `${responseName}.`, ExitCode.usage);
}

function checkAccepted(value: unknown): RefreshAccepted {
  const body = value as RefreshAccepted;
  if (typeof body?.handle !== 'string' || typeof body.started_at !== 'string') {
    throw unexpected('refresh response');
  }
  return body;
}

function checkProgress(value: unknown): RenderProgress {
  const body = value as RenderProgress;
  if (typeof body?.state !== 'string' || !Array.isArray(body.output) || typeof body.next !== 'number') {
    throw unexpected('render progress');
  }
  return body;
}

function checkStatus(value: unknown): ReportStatus {
  const body = value as ReportStatus;
  if (typeof body?.name !== 'string' || !Array.isArray(body.recent_durations)) {
    throw unexpected('report status');
  }
  return body;
}

/** Renders through a refresh gateway's HTTP protocol (`--gateway URL`). */
export class GatewaySource implements RenderSource {
  readonly #requester: GatewayRequester;
  readonly #report: string;
  readonly #reportPath: string;
  readonly #redactor: Redactor;

  /**
   * `redactor` applies to the log and failure text on top of the gateway's own redaction,
   * so that the bearer token never reaches the output.
   */
  constructor(requester: GatewayRequester, report: string, redactor: Redactor) {
    this.#requester = requester;
    this.#redactor = redactor;
    this.#report = report;
    this.#reportPath = `/v1/reports/${encodeURIComponent(report)}`;
  }

  async start(signal: AbortSignal): Promise<RenderStart> {
    const accepted = checkAccepted(await this.#requester.request('POST', `${this.#reportPath}/refresh`, signal));
    return {
      report: this.#report,
      guid: null,
      task: accepted.handle,
      job: null,
      joined: accepted.joined === true,
      startedAt: new Date(accepted.started_at),
    };
  }

  async recentDurations(signal: AbortSignal): Promise<number[]> {
    return (await this.#readReport(signal)).recent_durations;
  }

  async waitForEnd(
    start: RenderStart,
    onLine: (line: string) => void,
    signal: AbortSignal,
    onStuck: () => void = () => undefined,
  ): Promise<RenderEnd> {
    const path = `/v1/renders/${encodeURIComponent(start.task!)}`;
    let after = 0;
    let stuckReported = false;
    const retry = new RetryClock('the gateway');
    const redactLine = this.#redactor.createLineRedactor();
    for (;;) {
      let progress: RenderProgress;
      try {
        const query = `?after=${after}&wait=${PROGRESS_WAIT_S}`;
        const body = await retry.attempt((attemptSignal) =>
          this.#requester.request('GET', path + query, attemptSignal, PROGRESS_WAIT_S), signal);
        progress = checkProgress(body);
      } catch (error) {
        if (signal.aborted) {
          throw error;
        }
        if (isGiveUpAbort(error)) {
          await retry.afterFailure(error, signal, RETRY_PAUSE_MS);
          continue;
        }
        if (!(error instanceof GatewayRequestError) || !error.transient) {
          throw error instanceof CommandError ? waitFailure(error) : error;
        }
        const pauseMs = error.retryAfterS === null ? RETRY_PAUSE_MS : error.retryAfterS * 1000;
        await retry.afterFailure(error, signal, pauseMs);
        continue;
      }
      retry.reset();
      for (const line of progress.output) {
        onLine(redactLine(line));
      }
      after = progress.next;
      if (progress.state === 'running') {
        // A gateway older than the `stuck` field sends none.
        if (progress.stuck === true && !stuckReported) {
          stuckReported = true;
          onStuck();
        }
        continue;
      }
      return {
        state: progress.state,
        finishedAt: progress.finished_at === null ? new Date() : new Date(progress.finished_at),
        error: progress.error === null ? null : this.#redactor.redactText(progress.error),
      };
    }
  }

  async readStatus(signal: AbortSignal): Promise<ReportStatusView> {
    const status = await this.#readReport(signal);
    return {
      report: status.name,
      guid: null,
      title: status.title,
      lastRenderedAt: status.last_rendered_at,
      running: status.render === null
        ? null
        : { startedAt: status.render.started_at, task: status.render.handle, job: null },
      recentDurations: status.recent_durations,
    };
  }

  async #readReport(signal: AbortSignal): Promise<ReportStatus> {
    return checkStatus(await this.#requester.request('GET', this.#reportPath, signal));
  }
}
