import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const mainFile = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Everything the process printed on standard output and standard error so far. */
  output(): string;
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
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exited };
}

/** Resolves with the address from the command's "listening at" line on standard error. */
export function listeningUrl(run: CliRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = run.output().match(/listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        run.child.stderr!.off('data', check);
        resolve(match[1]);
      }
    };
    run.child.stderr!.on('data', check);
    run.exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${run.output()}`)));
    check();
  });
}
