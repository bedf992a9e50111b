/** Exit statuses of `connect-refresh render` and `status`, for schedulers and scripts. */
export const ExitCode = {
  /** The render succeeded, or the command did what it was asked. */
  ok: 0,
  /** The render failed, or an unexpected error occurred. */
  renderFailed: 1,
  /** Invalid command line or configuration, such as a missing variable or unknown report. */
  usage: 2,
  /**
   * Connect or the gateway could not be reached or rejected the credentials, or the render's
   * outcome is unknown, such as after the gateway lost the render.
   */
  unreachable: 3,
  /** The credentials are valid but may not render or read this report. */
  notPermitted: 4,
  /** The wait ended at --timeout; the render goes on. */
  timedOut: 5,
  /** A report owner cancelled the render through the gateway. */
  cancelled: 6,
  /** Stopped waiting on SIGINT (128 + signal 2); the render goes on. */
  interrupted: 130,
  /** Stopped waiting on SIGTERM (128 + signal 15); the render goes on. */
  terminated: 143,
} as const;

export type ExitStatus = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit statuses of `render` and `status`, one per line, as `--help` lists them. */
export const exitCodeTable = `  0    the render succeeded (status: the status was read)
  1    the render failed, or an unexpected error occurred
  2    invalid command line or configuration (missing variable, unknown report or GUID,
       a server address that is not Connect or a gateway)
  3    Connect or the gateway is unreachable or rejected the credentials (401), or the
       wait broke off with the outcome unknown, or the gateway lost the render; the
       render may or may not have finished
  4    not permitted: the credentials may not render or read this report (403, 429)
  5    --timeout ended the wait; the render goes on
  6    a report owner cancelled the render through the gateway (--gateway only)
  130  SIGINT (Ctrl-C) ended the wait; the render goes on (143 for SIGTERM)`;

/** The exit status section of the `render` and `status` help. */
export const exitCodeHelp = `Exit status:\n${exitCodeTable}`;

/** A failure that the command reports in one message and ends with `exitCode`. */
export class CommandError extends Error {
  override name = 'CommandError';

  constructor(message: string, readonly exitCode: ExitStatus) {
    super(message);
  }
}
