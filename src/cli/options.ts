import { CommandError, ExitCode } from './exit-codes.js';

/** A mistake in the command line or its configuration; the command exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses a TCP port given on the command line. */
export function parsePort(value: string, option: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`${option} must be a port number from 0 to 65535, not "${value}".`);
  }
  return port;
}

/** Runs a config loader, turning a file that cannot be read into a UsageError. */
export async function loadConfigFile<T>(path: string, load: (path: string) => Promise<T>): Promise<T> {
  try {
    return await load(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new UsageError(`Cannot read the config file ${path} (${code}); check the --config path.`);
    }
    throw error;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Checks a --log-level value against pino's levels. */
export function parseLogLevel(value: string): string {
  if (!LOG_LEVELS.includes(value)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${value}".`);
  }
  return value;
}

/**
 * Runs a server start, turning the usual reasons a server cannot listen into a CommandError
 * of exit status 2 that names the option to change. These are not UsageErrors, so no pointer
 * to --help follows them, because the help cannot free a port or an address.
 */
export async function listenOrExplain<T>(host: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CommandError(`Port ${port} on ${host} is already in use; choose another --port or stop the ` +
        'program that uses it.', ExitCode.usage);
    }
    if (code === 'EACCES') {
      throw new CommandError(`Not allowed to listen on port ${port}; choose a --port above 1023.`, ExitCode.usage);
    }
    if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
      throw new CommandError(`Cannot listen on --host ${host} (${code}); use an address of this machine, ` +
        'such as 127.0.0.1 or 0.0.0.0.', ExitCode.usage);
    }
    throw error;
  }
}
