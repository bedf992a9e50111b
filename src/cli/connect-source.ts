import {
  ConnectClient,
  RENDER_JOB_TAGS,
  isRenderedAppMode,
  successfulRenderDurations,
  type Content,
  type Job,
} from '../connect/index.js';
import { isTransientConnectError, toCommandError } from './connect-errors.js';
import type { Redactor } from '../gateway/redaction.js';
import { delay, roundSeconds } from './delay.js';
import { isGiveUpAbort, RetryClock } from './retry-clock.js';
import { CommandError, ExitCode } from './exit-codes.js';
import type { RenderEnd, RenderSource, RenderStart, ReportStatusView } from './render-source.js';
import { RENDER_MAY_RUN, waitFailure } from './wait-failures.js';

/**
 * Seconds that Connect may hold each task poll. Connect ends a held poll when the task
 * finishes, not when new output arrives, so a short wait keeps the log within a second of
 * the render. The connectapi R package and rsconnect-python poll with wait=1 too.
 */
const TASK_WAIT_S = 1;
/** Pause after a failed poll, in ms. */
const RETRY_PAUSE_MS = 2_000;

export interface ConnectSourceOptions {
  client: ConnectClient;
  guid: string;
  /** Pause between job list reads while following a joined render job, in ms. */
  jobPollMs: number;
  /** Redacts the render log and failure text, with the API key among its secrets. */
  redactor: Redactor;
}

/** Returns the newest render job that Connect lists as active (status 0), or undefined. */
function newestActiveRenderJob(jobs: readonly Job[]): Job | undefined {
  const active = jobs.filter((job) => RENDER_JOB_TAGS.has(job.tag) && job.status === 0);
  const startMs = (job: Job) => (job.start_time === null ? -Infinity : Date.parse(job.start_time));
  return active.sort((a, b) => startMs(b) - startMs(a))[0];
}

function endOfJob(job: Job): RenderEnd {
  const finishedAt = job.end_time === null ? new Date() : new Date(job.end_time);
  if (job.status === 3) {
    return { state: 'failed', finishedAt, error: 'Connect skipped the render job.' };
  }
  if (job.exit_code === 0) {
    return { state: 'succeeded', finishedAt, error: null };
  }
  const error = job.exit_code === null
    ? 'The render job ended without an exit code.'
    : `The render job ended with exit code ${job.exit_code}.`;
  return { state: 'failed', finishedAt, error };
}

/** Renders through the Connect API with CONNECT_SERVER and CONNECT_API_KEY. */
export class ConnectSource implements RenderSource {
  readonly #client: ConnectClient;
  readonly #guid: string;
  readonly #jobPollMs: number;
  readonly #redactor: Redactor;
  /** Cookie of the render response, which clustered Connect needs on task polls. */
  #cookie: string | null = null;
  /** Job list read by start(), reused for the durations. */
  #jobs: Job[] | null = null;

  constructor(options: ConnectSourceOptions) {
    this.#client = options.client;
    this.#guid = options.guid;
    this.#jobPollMs = options.jobPollMs;
    this.#redactor = options.redactor;
  }

  async start(signal: AbortSignal): Promise<RenderStart> {
    try {
      return await this.#start(signal);
    } catch (error) {
      throw toCommandError(error, this.#guid);
    }
  }

  async #start(signal: AbortSignal): Promise<RenderStart> {
    const content = await this.#client.getContent(this.#guid, signal);
    this.#checkRendered(content);
    const base = { report: content.name, guid: this.#guid };
    this.#jobs = await this.#client.listJobs(this.#guid, signal);
    const active = newestActiveRenderJob(this.#jobs);
    if (active !== undefined) {
      const startedAt = active.start_time === null ? new Date() : new Date(active.start_time);
      return { ...base, task: null, job: active.key, joined: true, startedAt };
    }
    // NOTE: a render that starts elsewhere between the job list read and this request runs
    // beside this one, because Connect offers no atomic "render unless running".
    const startedAt = new Date();
    const started = await this.#client.render(this.#guid, { signal });
    this.#cookie = started.cookie;
    return { ...base, task: started.taskId, job: null, joined: false, startedAt };
  }

  #checkRendered(content: Content): void {
    if (!isRenderedAppMode(content.app_mode)) {
      throw new CommandError(`Content ${this.#guid} is a ${content.app_mode}, not a rendered report ` +
        '(rmd-static, quarto-static or jupyter-static); choose the GUID of a report.', ExitCode.usage);
    }
  }

  async recentDurations(signal: AbortSignal): Promise<number[]> {
    const jobs = this.#jobs ?? await this.#client.listJobs(this.#guid, signal);
    return successfulRenderDurations(jobs).map((entry) => roundSeconds(entry.durationS));
  }

  async waitForEnd(start: RenderStart, onLine: (line: string) => void, signal: AbortSignal): Promise<RenderEnd> {
    if (start.task !== null) {
      return this.#followTask(start.task, onLine, signal);
    }
    return this.#followJob(start.job!, signal);
  }

  async #followTask(taskId: string, onLine: (line: string) => void, signal: AbortSignal): Promise<RenderEnd> {
    let first = 0;
    const retry = new RetryClock('Connect');
    const redactLine = this.#redactor.createLineRedactor();
    for (;;) {
      let task;
      try {
        task = await retry.attempt((attemptSignal) => this.#client.getTask(taskId,
          { first, wait: TASK_WAIT_S, cookie: this.#cookie, signal: attemptSignal }), signal);
      } catch (error) {
        await this.#afterFailure(retry, error, signal);
        continue;
      }
      retry.reset();
      for (const line of task.output) {
        onLine(redactLine(line));
      }
      first = task.last;
      if (task.finished) {
        const failed = task.code !== 0;
        const reason = task.error === '' ? null : this.#redactor.redactText(task.error);
        const error = failed ? reason ?? `The render task ended with code ${task.code}.` : null;
        return { state: failed ? 'failed' : 'succeeded', finishedAt: new Date(), error };
      }
    }
  }

  /**
   * Follows a render job that was already running. Connect links jobs to tasks only through
   * renderings, so the command cannot read that render's log: it reads the job list every
   * `jobPollMs` until the job ends, and takes the outcome from the job's exit code.
   */
  async #followJob(jobKey: string, signal: AbortSignal): Promise<RenderEnd> {
    const retry = new RetryClock('Connect');
    for (;;) {
      await delay(this.#jobPollMs, signal);
      let jobs: Job[];
      try {
        jobs = await retry.attempt((attemptSignal) => this.#client.listJobs(this.#guid, attemptSignal), signal);
      } catch (error) {
        await this.#afterFailure(retry, error, signal);
        continue;
      }
      retry.reset();
      const job = jobs.find((candidate) => candidate.key === jobKey);
      if (job === undefined) {
        throw new CommandError(`Connect no longer lists the render job ${jobKey} of ${this.#guid}, so ` +
          `its outcome is unknown. ${RENDER_MAY_RUN}`, ExitCode.unreachable);
      }
      if (job.status !== 0) {
        return endOfJob(job);
      }
    }
  }

  /** Rethrows a lasting error as a CommandError, or pauses before the next attempt. */
  async #afterFailure(retry: RetryClock, error: unknown, signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      throw signal.reason;
    }
    if (!isGiveUpAbort(error) && !isTransientConnectError(error)) {
      const commandError = toCommandError(error, this.#guid);
      throw commandError instanceof CommandError ? waitFailure(commandError) : commandError;
    }
    await retry.afterFailure(error, signal, RETRY_PAUSE_MS);
  }

  async readStatus(signal: AbortSignal): Promise<ReportStatusView> {
    try {
      const content = await this.#client.getContent(this.#guid, signal);
      this.#checkRendered(content);
      const jobs = await this.#client.listJobs(this.#guid, signal);
      const lastRenderedAt = await this.#client.getLastRenderedAt(this.#guid, signal);
      const active = newestActiveRenderJob(jobs);
      return {
        report: content.name,
        guid: this.#guid,
        title: content.title,
        lastRenderedAt,
        running: active === undefined
          ? null
          : { startedAt: active.start_time ?? new Date().toISOString(), task: null, job: active.key },
        recentDurations: successfulRenderDurations(jobs).map((entry) => roundSeconds(entry.durationS)),
      };
    } catch (error) {
      throw toCommandError(error, this.#guid);
    }
  }
}
