import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Distance in px from the end within which the log counts as scrolled to its newest line. */
const END_SLACK_PX = 4;

/** The element whose render log a LogFollower scrolls. */
export interface LogHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * Keeps the render log scrolled to its newest line while new lines arrive, unless the reader
 * has scrolled up to read older ones. Opening the log shows its end, where a failed render's
 * error is.
 */
export class LogFollower implements ReactiveController {
  private readonly host: LogHost;
  private atEnd = true;

  constructor(host: LogHost) {
    this.host = host;
    host.addController(this);
  }

  /** Scrolls the log to its end; for the `toggle` event of the log's disclosure. */
  readonly onToggle = (): void => {
    this.atEnd = true;
    this.scrollToEnd();
  };

  hostUpdate(): void {
    const log = this.logElement();

    // A closed disclosure has no layout, so its sizes are all 0 and it counts as at the end.
    if (log) {
      this.atEnd = log.scrollHeight - log.scrollTop - log.clientHeight <= END_SLACK_PX;
    }
  }

  hostUpdated(): void {
    if (this.atEnd) {
      this.scrollToEnd();
    }
  }

  private scrollToEnd(): void {
    const log = this.logElement();

    if (log) {
      log.scrollTop = log.scrollHeight;
    }
  }

  private logElement(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('[part="log"] pre');
  }
}

/**
 * Returns whether a log line is one that R, knitr, Quarto or Python prints when a render fails,
 * such as `Error in eval(...)`, `Quitting from lines 10-12 (report.Rmd)` or `Execution halted`.
 */
export function isErrorLine(line: string): boolean {
  return /^(Error\b|ERROR\b|Quitting from lines?\b|Execution halted|Traceback \(most recent call last\))/
    .test(line.trimStart());
}
