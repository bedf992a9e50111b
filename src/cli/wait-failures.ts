import { CommandError, ExitCode } from './exit-codes.js';

/** Closing sentence of every message about a wait that ended while the render may go on. */
export const RENDER_MAY_RUN = 'The render may still be running on Connect.';

/**
 * Turns a failure after the render started into exit status 3, keeping 4 for a permission
 * error. A broken response at that point shows nothing about the render's outcome, so the
 * command must not report the render as failed (1) or the setup as invalid (2).
 */
export function waitFailure(error: CommandError): CommandError {
  const exitCode = error.exitCode === ExitCode.notPermitted ? ExitCode.notPermitted : ExitCode.unreachable;
  return new CommandError(`${error.message} ${RENDER_MAY_RUN}`, exitCode);
}
