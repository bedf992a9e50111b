import { cp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Catalog, ContentRecord, JobRecord, UserRecord, VariantRecord } from './catalog.js';
import { nowNs } from './clock.js';
import type { AppMode, StandInContent } from './config-types.js';
import type { StandInFaults } from './faults.js';
import { RenderProcess, type ProcessOutcome } from './render-process.js';
import type { TaskRecord, TaskStore } from './task-store.js';

/**
 * R code that renders the file named by the first trailing argument. The arguments after it
 * are pairs of a parameter name and its value, which become the render's `params`. Names and
 * values are passed as arguments and never pasted into the code. The helper variables live in
 * `local()`, because rmarkdown refuses to render when the global environment has `params`.
 */
export const RMARKDOWN_EXPRESSION = [
  'local({',
  'args <- commandArgs(trailingOnly = TRUE);',
  'pairs <- args[-1];',
  'odd <- seq_along(pairs) %% 2 == 1;',
  'values <- as.list(pairs[!odd]);',
  'names(values) <- pairs[odd];',
  'rmarkdown::render(args[1], output_file = "index.html", envir = globalenv(),',
  'params = if (length(values) > 0) values else NULL)',
  '})',
].join(' ');

/** Environment variable with the key of the variant that a render renders. */
export const VARIANT_KEY_ENV = 'STAND_IN_VARIANT_KEY';
/** Environment variable with the variant's parameter values as a JSON object. */
export const VARIANT_PARAMS_ENV = 'STAND_IN_VARIANT_PARAMS';

/** The document kind Connect names in its own first output lines. */
const DOCUMENT_KINDS: Partial<Record<AppMode, string>> = {
  'rmd-static': 'R Markdown document',
  'quarto-static': 'Quarto document',
  'jupyter-static': 'Jupyter notebook',
};

export interface RenderManagerOptions {
  catalog: Catalog;
  tasks: TaskStore;
  /** Folder that contains `renders/<job key>/`, one working copy per render. */
  stateDir: string;
  /** Folder that content `source` paths are relative to. */
  configDir: string;
  /** Decides which renders hang before their process starts. */
  faults: StandInFaults;
  log: FastifyBaseLogger;
}

export interface StartedRender {
  task: TaskRecord;
  job: JobRecord;
}

interface RunningRender {
  job: JobRecord;
  process?: RenderProcess;
  done: Promise<void>;
  /**
   * Aborts when the render is killed, which also ends a hanging render's wait, so a render
   * whose process has not started yet never starts it.
   */
  killed: AbortController;
  /** True when a restart killed the render, so its job ends without an exit code. */
  lost: boolean;
}

/**
 * Returns the program and arguments that render one variant of the content. An `.Rmd` file
 * gets the variant's parameters as `params`. A command gets them only through the environment
 * (see variantEnvironment).
 */
export function renderCommand(settings: StandInContent, variant: VariantRecord): string[] {
  if (settings.rmd !== undefined) {
    const pairs = Object.entries(variant.params).flat();
    return ['Rscript', '-e', RMARKDOWN_EXPRESSION, settings.rmd, ...pairs];
  }
  if (settings.command !== undefined) {
    return [...settings.command];
  }
  throw new Error(`content ${settings.guid} has neither rmd nor command`);
}

/** Returns the environment variables that tell a render which variant it renders. */
export function variantEnvironment(variant: VariantRecord): Record<string, string> {
  return {
    [VARIANT_KEY_ENV]: variant.key,
    [VARIANT_PARAMS_ENV]: JSON.stringify(variant.params),
  };
}

/** Runs renders as child processes and records their tasks, jobs and renderings. */
export class RenderManager {
  private readonly running = new Set<RunningRender>();
  private closing = false;

  constructor(private readonly options: RenderManagerOptions) {}

  /**
   * Creates the task and job of a render of the variant at once, then copies the source and
   * starts the process.
   */
  start(content: ContentRecord, variant: VariantRecord, user: UserRecord): StartedRender {
    const task = this.options.tasks.create(user.id);
    const job = this.options.catalog.startJob(content, variant);
    const entry: RunningRender = {
      job, done: Promise.resolve(), killed: new AbortController(), lost: false,
    };
    entry.done = this.run(content, variant, job, task, entry)
      .catch((error: unknown) => {
        this.options.log.error({ err: error, jobKey: job.key }, 'render failed unexpectedly');
        this.complete(entry, content, job, task, null,
          { exitCode: 1, description: 'exit status 1' });
      })
      .finally(() => this.running.delete(entry));
    this.running.add(entry);
    this.options.log.info({ guid: content.settings.guid, variant: variant.key, jobKey: job.key,
      taskId: task.id, user: user.username }, 'render started');
    return { task, job };
  }

  /**
   * Kills the process group of the job's render, as Connect's kill order does, and returns
   * false when no render of that job runs. The task then fails with "signal: killed" and the
   * job gets exit code -1, as after any process that a signal ended.
   * NOTE: Connect documents neither the task's nor the job's end after a kill order; the
   * stand-in reports it like a render that a signal ended.
   */
  kill(job: JobRecord): boolean {
    const entry = [...this.running].find((candidate) => candidate.job === job);
    if (entry === undefined) {
      return false;
    }
    this.stop(entry);
    this.options.log.info({ jobKey: job.key, pid: job.pid }, 'render killed on request');
    return true;
  }

  /** Kills every running render's process group and waits until all of them have ended. */
  async shutdown(): Promise<void> {
    this.closing = true;
    // Renders started after this point stop before their process starts; wait for them too.
    while (this.running.size > 0) {
      const entries = [...this.running];
      entries.forEach((entry) => this.stop(entry));
      await Promise.all(entries.map((entry) => entry.done));
    }
  }

  /**
   * Kills every running render as a Connect restart does, and waits until all of them have
   * ended. Their jobs end without an exit code, and their tasks are not finished, because a
   * restarted Connect has forgotten them.
   *
   * NOTE: Connect does not document what a restart does to running renders. The stand-in
   * assumes that render processes end with the server that started them, as the job's `ppid`
   * and `hostname` suggest. It also assumes that Connect then finalizes the job without an
   * exit code, because the process that would have read it is gone.
   */
  async abandonAll(): Promise<number> {
    const entries = [...this.running];
    for (const entry of entries) {
      entry.lost = true;
      this.stop(entry);
    }
    await Promise.all(entries.map((entry) => entry.done));
    return entries.length;
  }

  private stop(entry: RunningRender): void {
    entry.killed.abort();
    entry.process?.kill();
  }

  private async run(
    content: ContentRecord,
    variant: VariantRecord,
    job: JobRecord,
    task: TaskRecord,
    entry: RunningRender,
  ): Promise<void> {
    const { tasks, stateDir, configDir } = this.options;
    const kind = DOCUMENT_KINDS[content.settings.app_mode] ?? 'static content';
    const workDir = join(stateDir, 'renders', job.key);
    const sourceDir = resolve(configDir, content.settings.source ?? '.');
    // The first await comes before any output, so the render response shows an empty task.
    try {
      await cp(sourceDir, workDir, { recursive: true });
    } catch (error) {
      tasks.appendTimestamped(task, `Unable to copy ${sourceDir}: ${(error as Error).message}`);
      this.complete(entry, content, job, task, workDir,
        { exitCode: 1, description: 'exit status 1' });
      return;
    }
    tasks.append(task, `Building ${kind}...`);
    const killedOutcome = { exitCode: -1, description: 'signal: killed' };
    if (this.closing || entry.killed.signal.aborted) {
      this.complete(entry, content, job, task, workDir, killedOutcome);
      return;
    }
    tasks.append(task, `Launching ${kind}...`);
    await this.holdWhileHanging(content, job, entry);
    if (entry.killed.signal.aborted) {
      this.complete(entry, content, job, task, workDir, killedOutcome);
      return;
    }
    entry.process = new RenderProcess({
      argv: renderCommand(content.settings, variant),
      env: variantEnvironment(variant),
      cwd: workDir,
      onLine: (line) => {
        tasks.appendTimestamped(task, line);
        job.heartbeatNs = nowNs();
      },
      onSpawn: (pid) => {
        job.pid = pid;
        this.options.log.info({ jobKey: job.key, pid }, 'render process started');
      },
    });
    const outcome = await entry.process.done;
    this.complete(entry, content, job, task, workDir, outcome);
  }

  /** Waits while the content's GUID is in the `hangingRenders` fault, or until killed. */
  private async holdWhileHanging(
    content: ContentRecord,
    job: JobRecord,
    entry: RunningRender,
  ): Promise<void> {
    const { faults, log } = this.options;
    const guid = content.settings.guid;
    if (!faults.isHanging(guid)) {
      return;
    }
    log.info({ guid, jobKey: job.key }, 'render held by a hanging-render fault');
    await faults.waitWhileHanging(guid, entry.killed.signal);
    if (!entry.killed.signal.aborted) {
      log.info({ guid, jobKey: job.key }, 'hanging-render fault cleared; render goes on');
    }
  }

  /**
   * Records the outcome. The catalog is updated before the task finishes, so a client that
   * reads the variant after the finished task gets the new rendering.
   */
  private complete(
    entry: RunningRender,
    content: ContentRecord,
    job: JobRecord,
    task: TaskRecord,
    workDir: string | null,
    outcome: ProcessOutcome,
  ): void {
    if (task.finished) {
      return;
    }
    const { catalog, tasks, log } = this.options;
    if (entry.lost) {
      catalog.finishJob(content, job, null);
      if (workDir !== null) {
        this.removeFolder(workDir);
      }
      log.warn({ jobKey: job.key, taskId: task.id }, 'render lost in a restart');
      return;
    }
    catalog.finishJob(content, job, outcome.exitCode);
    if (outcome.exitCode === 0 && workDir !== null) {
      const { rendering, dropped } = catalog.activateRendering(content, job, workDir);
      dropped.forEach((old) => this.removeFolder(old.outputDir));
      tasks.finish(task, 0, '');
      log.info({ jobKey: job.key, taskId: task.id, renderingId: rendering.id }, 'render succeeded');
      return;
    }
    const error = `Unable to render: Rendering exited abnormally: ${outcome.description}`;
    tasks.finish(task, 1, error);
    if (workDir !== null) {
      this.removeFolder(workDir);
    }
    log.warn({ jobKey: job.key, taskId: task.id, outcome: outcome.description }, 'render failed');
  }

  private removeFolder(path: string): void {
    rm(path, { recursive: true, force: true }).catch((error: unknown) => {
      this.options.log.warn({ err: error, path }, 'cannot remove a render folder');
    });
  }
}
