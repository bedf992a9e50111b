/** The part of a stream that the progress line writes to; process.stderr fits. */
export interface ProgressStream {
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
  write(text: string): unknown;
}

/** Redraw interval of the progress line, in ms. */
const REDRAW_MS = 1_000;
/** ANSI: carriage return, then erase the whole line. */
const CLEAR_LINE = '\r\x1b[2K';

/** Formats seconds as m:ss, or h:mm:ss from one hour on. */
export function formatClock(totalSeconds: number): string {
  const whole = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Returns the median of the durations in seconds, or null for an empty list. */
export function typicalDuration(durations: readonly number[]): number | null {
  if (durations.length === 0) {
    return null;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Prints log lines and, on a terminal, one live line below them with the elapsed time and
 * the typical duration. On other streams it prints the log lines only.
 */
export class ProgressLine {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #startedAtMs: number;
  readonly #now: () => number;
  #typicalS: number | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #shown = false;

  constructor(stream: ProgressStream, label: string, startedAt: Date, now: () => number = Date.now) {
    this.#stream = stream;
    this.#label = label;
    this.#startedAtMs = startedAt.getTime();
    this.#now = now;
  }

  get isLive(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Sets the typical duration in seconds that the line shows; null hides it. */
  setTypical(seconds: number | null): void {
    this.#typicalS = seconds;
    this.#draw();
  }

  /** Starts redrawing every second; does nothing unless the stream is a terminal. */
  start(): void {
    if (!this.isLive || this.#timer !== null) {
      return;
    }
    this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
    this.#timer.unref?.();
    this.#draw();
  }

  /** Prints one line above the progress line. */
  printLine(line: string): void {
    this.#erase();
    this.#stream.write(`${line}\n`);
    this.#draw();
  }

  /** Stops redrawing and removes the progress line. */
  stop(): void {
    if (this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    this.#erase();
  }

  /** Returns the text of the progress line at this moment. */
  text(): string {
    const elapsedS = (this.#now() - this.#startedAtMs) / 1000;
    let text = `${this.#label}: ${formatClock(elapsedS)} elapsed`;
    if (this.#typicalS !== null) {
      text += `, usually ${formatClock(this.#typicalS)}`;
      // Compare whole seconds, as shown, so that "0:04 elapsed, usually 0:04" is not longer.
      if (Math.floor(elapsedS) > Math.floor(this.#typicalS)) {
        text += ' (longer than usual)';
      }
    }
    return text;
  }

  #draw(): void {
    if (this.#timer === null) {
      return;
    }
    const width = this.#stream.columns;
    const text = width !== undefined && width > 1 ? this.text().slice(0, width - 1) : this.text();
    this.#stream.write(`${CLEAR_LINE}${text}`);
    this.#shown = true;
  }

  #erase(): void {
    if (this.#shown) {
      this.#stream.write(CLEAR_LINE);
      this.#shown = false;
    }
  }
}
