import { spawn, type ChildProcess } from 'node:child_process';
import { LineSplitter } from './line-splitter.js';

/** Outcome of a render process, described in the words of Go's os/exec, which Connect repeats. */
export interface ProcessOutcome {
  /** The exit status, or -1 when a signal ended the process. */
  exitCode: number;
  /** `exit status N` or `signal: killed`. */
  description: string;
}

export interface RenderProcessOptions {
  /** Program and arguments; run without a shell. */
  argv: readonly string[];
  /** Variables added to renderEnvironment(), such as the variant's key. */
  env?: Readonly<Record<string, string>>;
  cwd: string;
  onLine: (line: string) => void;
  onSpawn: (pid: number) => void;
}

/** Exit statuses a shell reports when it cannot run a program, reused for spawn errors. */
const SPAWN_ERROR_STATUS: Record<string, number> = { ENOENT: 127, EACCES: 126 };

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
};

/**
 * Environment of a render: only PATH, HOME and LANG from the stand-in's own environment, to
 * which a render adds its variant's variables. Nothing else is passed, so neither
 * CONNECT_SERVER nor any API key reaches the render.
 */
export function renderEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) {
      environment[name] = value;
    }
  }
  return environment;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): ProcessOutcome {
  if (signal !== null) {
    return { exitCode: -1, description: `signal: ${SIGNAL_WORDS[signal] ?? signal}` };
  }
  const exitCode = code ?? -1;
  return { exitCode, description: `exit status ${exitCode}` };
}

/**
 * A render running as a child process in its own process group, so that kill() also ends
 * the programs it started. Each stdout and stderr line goes to `onLine` as it arrives.
 */
export class RenderProcess {
  readonly done: Promise<ProcessOutcome>;
  private child: ChildProcess | undefined;

  constructor(private readonly options: RenderProcessOptions) {
    this.done = new Promise((resolve) => this.run(resolve));
  }

  /**
   * Kills the whole process group with SIGKILL, including programs that outlived the render
   * process itself. Does nothing when the group has no processes left.
   */
  kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined) {
      return;
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // ESRCH: every process of the group has already ended.
    }
  }

  private run(resolve: (outcome: ProcessOutcome) => void): void {
    const [program, ...args] = this.options.argv;
    let settled = false;
    const settle = (outcome: ProcessOutcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const onSpawnError = (error: NodeJS.ErrnoException) => {
      this.options.onLine(`Unable to start ${program}: ${error.message}. `
        + 'Check that it is installed and on the PATH.');
      const exitCode = SPAWN_ERROR_STATUS[error.code ?? ''] ?? 1;
      settle({ exitCode, description: `exit status ${exitCode}` });
    };
    try {
      this.child = spawn(program!, args, {
        cwd: this.options.cwd,
        env: { ...renderEnvironment(), ...this.options.env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      onSpawnError(error as NodeJS.ErrnoException);
      return;
    }
    const child = this.child;
    child.once('spawn', () => this.options.onSpawn(child.pid!));
    child.once('error', onSpawnError);
    this.forwardLines(child.stdout!);
    this.forwardLines(child.stderr!);
    // NOTE: 'close' waits for stdout and stderr to close, so a render that leaves a
    // background program holding them open stays unfinished until that program ends.
    child.once('close', (code, signal) => settle(describeExit(code, signal)));
  }

  private forwardLines(stream: NodeJS.ReadableStream): void {
    const splitter = new LineSplitter();
    stream.on('data', (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        this.options.onLine(line);
      }
    });
    stream.on('end', () => {
      for (const line of splitter.flush()) {
        this.options.onLine(line);
      }
    });
  }
}
