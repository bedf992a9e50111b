import {
  ConnectApiError,
  ConnectError,
  ConnectResponseError,
  ConnectUnreachableError,
  NotRenderableError,
  VariantSelectionError,
  isTaskNotFound,
} from '../connect/index.js';
import { CommandError, ExitCode, type ExitStatus } from './exit-codes.js';

/**
 * Returns true for a Connect failure that may pass while a render runs: no response, a
 * server error or 429, or a task that a busy or clustered server does not know yet.
 */
export function isTransientConnectError(error: unknown): boolean {
  if (error instanceof ConnectUnreachableError || isTaskNotFound(error)) {
    return true;
  }
  return error instanceof ConnectApiError && (error.status === 429 || error.status >= 500);
}

/**
 * Returns true for a response that Connect would not send: a body that is not the expected
 * JSON, a redirect, or a client error status without Connect's `{code, error}` envelope.
 * Such responses come from a CONNECT_SERVER that points at another server or a wrong path.
 */
function isForeignResponse(error: ConnectError): boolean {
  if (error instanceof ConnectResponseError) {
    return true;
  }
  if (!(error instanceof ConnectApiError)) {
    return false;
  }
  if (error.status >= 300 && error.status < 400) {
    return true;
  }
  const isClientError = error.status >= 400 && error.status < 500;
  return isClientError && error.code === null && ![401, 403, 429].includes(error.status);
}

function exitStatusOf(error: ConnectError): ExitStatus {
  if (error instanceof ConnectUnreachableError) {
    return ExitCode.unreachable;
  }
  if (error instanceof NotRenderableError || error instanceof VariantSelectionError) {
    return ExitCode.usage;
  }
  if (isForeignResponse(error)) {
    return ExitCode.usage;
  }
  if (!(error instanceof ConnectApiError)) {
    return ExitCode.renderFailed;
  }
  if (error.status === 401 || error.status >= 500) {
    return ExitCode.unreachable;
  }
  if (error.status === 403 || error.status === 429) {
    return ExitCode.notPermitted;
  }
  // A 404 with Connect's error code names a missing object: here the content GUID.
  if (error.status === 404 && error.code !== null) {
    return ExitCode.usage;
  }
  return ExitCode.renderFailed;
}

/**
 * Turns a Connect client error into a CommandError with the exit status of its kind. The
 * client's messages already carry the request, the status and advice, without the API key.
 * Other errors, such as an abort reason, are returned unchanged.
 */
export function toCommandError(error: unknown, guid: string): unknown {
  if (!(error instanceof ConnectError)) {
    return error;
  }
  const exitCode = exitStatusOf(error);
  if (error instanceof ConnectUnreachableError && error.timedOut) {
    // The client's own message suggests a client option that the command line does not have.
    return new CommandError(`Connect did not respond to ${error.method} ${error.path} in time. Check that ` +
      "CONNECT_SERVER is Connect's address and that Connect is running.", exitCode);
  }
  if (isForeignResponse(error)) {
    return new CommandError(`CONNECT_SERVER does not look like a Connect server: ${error.message}`, exitCode);
  }
  let advice = '';
  if (error instanceof ConnectApiError && error.status === 401) {
    advice = ' Set CONNECT_API_KEY to a valid key.';
  } else if (error instanceof ConnectApiError && error.status === 404 && error.code !== null) {
    advice = ` Check the GUID ${guid}: the command takes a content GUID unless --gateway is given.`;
  }
  return new CommandError(`${error.message}${advice}`, exitCode);
}
