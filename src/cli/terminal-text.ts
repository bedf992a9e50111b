/**
 * Removal of terminal control sequences from text that a report or a server sent, so that a
 * render log cannot move the cursor, retitle the terminal or hide lines when printed.
 */

/* eslint-disable no-control-regex -- these patterns exist to match control characters. */

/** OSC sequences, such as a window title or a hyperlink, ended by BEL or ST, or unterminated. */
const OSC_SEQUENCE = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
/** CSI sequences, such as colors and cursor moves: ESC [ parameters, intermediates, final byte. */
const CSI_SEQUENCE = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?/g;
/** Any other escape sequence: ESC and the byte after it. */
const OTHER_ESCAPE = /\x1b[\s\S]?/g;
/** C0 control characters except tab, DEL, and C1 control characters. */
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** Returns `text` without escape sequences and control characters, keeping tabs. */
export function stripControlCharacters(text: string): string {
  return text
    .replace(OSC_SEQUENCE, '')
    .replace(CSI_SEQUENCE, '')
    .replace(OTHER_ESCAPE, '')
    .replace(CONTROL_CHARACTER, '');
}

/**
 * Returns the last state of a line that redraws itself with carriage returns: the text after
 * the last carriage return, ignoring those at the end, without trailing white space. Returns a
 * line without carriage returns unchanged. A terminal would also keep the end of an earlier,
 * longer state, but progress bars such as knitr's redraw their whole width. knitr 1.42 ends
 * its bar by overwriting it with spaces, so that line becomes empty, as on a terminal.
 */
export function collapseCarriageReturns(line: string): string {
  if (!line.includes('\r')) {
    return line;
  }
  const text = line.replace(/\r+$/, '');
  return text.slice(text.lastIndexOf('\r') + 1).trimEnd();
}
