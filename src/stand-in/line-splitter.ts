import { StringDecoder } from 'node:string_decoder';

/** Maximum line length in characters. Longer lines are split into pieces of this size. */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Splits a byte stream into UTF-8 text lines, without their `\n` or `\r\n` endings. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Adds a chunk and returns the lines it completed. */
  push(chunk: Buffer): string[] {
    this.pending += this.decoder.write(chunk);
    const lines: string[] = [];
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      lines.push(...this.splitLong(this.pending.slice(0, newline).replace(/\r$/, '')));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    while (this.pending.length > MAX_LINE_LENGTH) {
      lines.push(this.pending.slice(0, MAX_LINE_LENGTH));
      this.pending = this.pending.slice(MAX_LINE_LENGTH);
    }
    return lines;
  }

  /** Returns the last line when the stream did not end with a newline. */
  flush(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? [] : this.splitLong(rest.replace(/\r$/, ''));
  }

  private splitLong(line: string): string[] {
    if (line.length <= MAX_LINE_LENGTH) {
      return [line];
    }
    const pieces: string[] = [];
    for (let start = 0; start < line.length; start += MAX_LINE_LENGTH) {
      pieces.push(line.slice(start, start + MAX_LINE_LENGTH));
    }
    return pieces;
  }
}
