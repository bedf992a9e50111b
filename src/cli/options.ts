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
