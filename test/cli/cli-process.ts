import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const mainFile = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Everything the process printed on standard output and standard error so far. */
  output(): string;
  /** What the process printed on standard output so far. */
  stdout(): string;
  /** Resolves with the exit status. */
  exited: Promise<number | null>;
}

/** Starts `connect-refresh` from source with the given arguments and environment. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', mainFile, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, stdout: () => stdout, exited };
}

/**
 * Resolves with the first match of `pattern` in the command's output, as soon as it appears.
 * Rejects when the process exits without printing it.
 */
export function waitForOutput(run: CliRun, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = run.output().match(pattern);
      if (match) {
        run.child.stdout!.off('data', check);
        run.child.stderr!.off('data', check);
        resolve(match);
      }
    };
    run.child.stdout!.on('data', check);
    run.child.stderr!.on('data', check);
    run.exited.then((code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${run.output()}`)));
    check();
  });
}

/** Resolves with the address from the command's "listening at" line on standard error. */
export function listeningUrl(run: CliRun): Promise<string> {
  return waitForOutput(run, /listening at (http:\/\/127\.0\.0\.1:\d+)/).then((match) => match[1]!);
}
