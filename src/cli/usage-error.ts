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

/** Resolves when the process receives SIGINT or SIGTERM. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
