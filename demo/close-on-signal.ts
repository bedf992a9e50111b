/**
 * Closes a running demo on SIGINT or SIGTERM, then exits with 0, or with 1 after printing the
 * error when closing failed.
 */
export function closeOnSignal(close: () => Promise<void>): void {
  const stop = () => {
    close().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };

  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
