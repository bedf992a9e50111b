/** Display data of the element: the report and the render that the element follows. */
export interface RefreshView {
  /** Title of the report, from the last status read, or an empty string. */
  reportTitle: string;
  /** Last successful render time (RFC 3339): null when never rendered, undefined when unknown. */
  lastRenderedAt: string | null | undefined;
  /** Start time of the followed render (RFC 3339), or null. */
  startedAt: string | null;
  /** Log lines of the followed render, at most MAX_LOG_LINES of the latest. */
  log: readonly string[];
  /** Message for people about the last failure, or an empty string. */
  message: string;
  /** Text of the polite live region, set when a refresh starts, succeeds or fails. */
  announcement: string;
}

/** Maximum number of render log lines kept; older lines are dropped first. */
export const MAX_LOG_LINES = 1000;

/** Returns the view of a report before its first status read. */
export function emptyView(): RefreshView {
  return {
    reportTitle: '',
    lastRenderedAt: undefined,
    startedAt: null,
    log: [],
    message: '',
    announcement: '',
  };
}

/** Returns the log with new lines appended, keeping the latest MAX_LOG_LINES. */
export function appendLog(log: readonly string[], lines: readonly string[]): readonly string[] {
  if (lines.length === 0) {
    return log;
  }

  return [...log, ...lines].slice(-MAX_LOG_LINES);
}
