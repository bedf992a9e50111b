/**
 * A gateway run as a child process through the command line (`connect-refresh gateway`, from
 * the TypeScript sources via tsx), so that a crash ends only the child and shows as its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const CLI_ENTRY = 'src/cli/main.ts';
const LISTENING = /Gateway listening at (http:\/\/127\.0\.0\.1:\d+)/;
/** Maximum time in ms for the child to start listening, long because tsx compiles first. */
const START_TIMEOUT_MS = 30_000;
/** Number of log lines kept for failure reports. Every line goes to the listeners. */
const RECENT_LINES = 200;

export interface GatewayProcessOptions {
  configFile: string;
  /** Environment of the child besides PATH: the Connect settings and secrets. */
  env: Record<string, string>;
  logLevel?: string;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class GatewayProcess {
  readonly url: string;
  readonly port: number;
  /** The last RECENT_LINES lines the child wrote on stdout: pino's JSON log lines. */
  readonly recentLogLines: string[] = [];
  /** Number of lines the child wrote on stdout. */
  logLineCount = 0;
  /** Every line the child wrote on stderr. */
  readonly stderrLines: string[] = [];
  /** Set once the child has exited. */
  exit: ProcessExit | null = null;
  private readonly lineListeners: Array<(line: string) => void> = [];
  /** Lines written before the first listener was added, which that listener gets first. */
  private unheardLines: string[] = [];
  private readonly exitListeners: Array<(exit: ProcessExit) => void> = [];
  private stopping = false;

  private constructor(private readonly child: ChildProcess, url: string) {
    this.url = url;
    this.port = Number(new URL(url).port);
  }

  /** Starts the child and resolves once it listens; rejects with its stderr if it exits first. */
  static async start(options: GatewayProcessOptions): Promise<GatewayProcess> {
    const args = [
      '--import', 'tsx', CLI_ENTRY, 'gateway',
      '--config', options.configFile,
      '--port', '0',
      '--log-level', options.logLevel ?? 'trace',
    ];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Lines that arrive before the child listens wait here until the instance exists.
    const stdoutLines: string[] = [];
    const stderrLines: string[] = [];
    const started: { gateway?: GatewayProcess } = {};
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (started.gateway === undefined) {
        stdoutLines.push(line);
      } else {
        started.gateway.addLogLine(line);
      }
    });

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`The gateway did not listen within ${START_TIMEOUT_MS} ms.`));
      }, START_TIMEOUT_MS);
      createInterface({ input: child.stderr! }).on('line', (line) => {
        stderrLines.push(line);
        started.gateway?.stderrLines.push(line);
        const match = LISTENING.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(
          `The gateway exited with code ${code} (signal ${signal}) before listening:\n` +
            stderrLines.join('\n'),
        ));
      });
    });

    const gateway = new GatewayProcess(child, url);
    started.gateway = gateway;
    gateway.stderrLines.push(...stderrLines);
    for (const line of stdoutLines) {
      gateway.addLogLine(line);
    }
    child.once('exit', (code, signal) => gateway.recordExit({ code, signal }));
    return gateway;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Calls `listener` with each new log line; the first listener also gets the earlier ones. */
  onLogLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
    if (this.lineListeners.length === 1) {
      const lines = this.unheardLines;
      this.unheardLines = [];
      lines.forEach((line) => listener(line));
    }
  }

  /** Calls `listener` when the child exits without `stop()` having been called. */
  onUnexpectedExit(listener: (exit: ProcessExit) => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Sends SIGTERM and resolves with the exit once the child ended. A child that does not end
   * within 10 s gets SIGKILL.
   */
  async stop(): Promise<ProcessExit> {
    this.stopping = true;
    if (this.exit !== null) {
      return this.exit;
    }
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    return this.exit!;
  }

  private addLogLine(line: string): void {
    this.logLineCount += 1;
    this.recentLogLines.push(line);
    if (this.recentLogLines.length > RECENT_LINES) {
      this.recentLogLines.shift();
    }
    if (this.lineListeners.length === 0) {
      this.unheardLines.push(line);
    }
    for (const listener of this.lineListeners) {
      listener(line);
    }
  }

  private recordExit(exit: ProcessExit): void {
    this.exit = exit;
    if (!this.stopping) {
      for (const listener of this.exitListeners) {
        listener(exit);
      }
    }
  }
}
