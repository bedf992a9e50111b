import type { LogProgress } from './log-progress.js';
import type { Text } from './messages.js';

/**
 * The cancel control of the followed render: `ready` offers to cancel, `sending` while the
 * request is on its way, and `ordered` once the gateway accepted it, until the render ends.
 */
export interface CancelView {
  state: 'ready' | 'sending' | 'ordered';
  /** Message for people about a request to cancel that failed, or null. */
  failure: Text | null;
  /** The gateway's own words about that failure, or an empty string. */
  detail: string;
}

/** The cancel control before any request to cancel. */
export const READY_TO_CANCEL: CancelView = { state: 'ready', failure: null, detail: '' };

/** Display data of the element: the report and the render that the element follows. */
export interface RefreshView {
  /** Title of the report, from the last status read, or an empty string. */
  reportTitle: string;
  /** Last successful render time (RFC 3339): null when never rendered, undefined when unknown. */
  lastRenderedAt: string | null | undefined;
  /**
   * Durations in seconds of the report's recent successful renders, newest first, from the last
   * status read. Empty when the gateway sent none.
   */
  recentDurations: readonly number[];
  /** Start time of the followed render (RFC 3339), or null. */
  startedAt: string | null;
  /** Log lines of the followed render, at most MAX_LOG_LINES of the latest. */
  log: readonly string[];
  /** Latest progress that knitr or Quarto printed in the followed render's log, or null. */
  logProgress: LogProgress | null;
  /**
   * True when the gateway's last poll response reported that the followed render has run past
   * the report's maximum duration and may be stuck.
   */
  stuck: boolean;
  /** Message for people about the last failure, or null. */
  message: Text | null;
  /**
   * Text of the closed detail block about the last failure, or null. It has the gateway's own
   * words and, where the element has one, a hint of its own. It shows unless the message quotes it.
   */
  detail: Text | null;
  /** Text of the polite live region, set when a refresh starts, succeeds or fails, or null. */
  announcement: Text | null;
  /** True when the last status read returned `can_cancel: true` for this person. */
  canCancel: boolean;
  /** The cancel control of the followed render. */
  cancel: CancelView;
}

/** Maximum number of render log lines kept; older lines are dropped first. */
export const MAX_LOG_LINES = 1000;

/** Returns the view of a report before its first status read. */
export function emptyView(): RefreshView {
  return {
    reportTitle: '',
    lastRenderedAt: undefined,
    recentDurations: [],
    startedAt: null,
    log: [],
    logProgress: null,
    stuck: false,
    message: null,
    detail: null,
    announcement: null,
    canCancel: false,
    cancel: READY_TO_CANCEL,
  };
}

/**
 * Returns the log with new lines appended as a terminal shows them (see terminalLine), keeping
 * the latest MAX_LOG_LINES.
 */
export function appendLog(log: readonly string[], lines: readonly string[]): readonly string[] {
  if (lines.length === 0) {
    return log;
  }

  return [...log, ...lines.map(terminalLine)].slice(-MAX_LOG_LINES);
}

/**
 * Returns the text of a log line that a terminal leaves visible: the text after the last
 * carriage return, ignoring carriage returns at the end, without trailing white space. Progress
 * bars such as knitr's redraw themselves with carriage returns inside one line. A terminal
 * overwrites only as many characters as the new text has, but these bars redraw the whole
 * width, so keeping the last part alone shows them as a terminal does.
 */
export function terminalLine(line: string): string {
  const text = line.replace(/\r+$/, '');

  return text.slice(text.lastIndexOf('\r') + 1).trimEnd();
}
