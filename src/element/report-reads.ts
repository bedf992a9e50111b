import type { ReportStatus } from '../protocol/index.js';
import { sharedStatusRead } from './page-sharing.js';
import type { RefreshDisplay } from './refresh-display.js';
import type { Target } from './render-follow.js';
import type { StatusRereads } from './status-rereads.js';

/**
 * The status reads of one element, each through the page's shared read (see sharedStatusRead).
 * A read outlives the run that started it: when another run for the same target replaced that
 * run, such as one that follows a render that another element announced, the response still
 * shows the report's title, last render time and recent durations. Only the run may change the
 * element's status. `cancel` aborts every read, so that no response of an old target shows.
 */
export class ReportReads {
  private readonly display: RefreshDisplay;
  private readonly rereads: StatusRereads;
  private readonly reads = new Set<AbortController>();
  /** Number of reads started, which numbers each read. */
  private startedReads = 0;
  /** Number of the latest read whose response the display shows. */
  private shownReadNumber = 0;

  constructor(display: RefreshDisplay, rereads: StatusRereads) {
    this.display = display;
    this.rereads = rereads;
  }

  /**
   * Reads the report's status and shows its report data, unless a later read of this element
   * already showed its own. Rejects with the read's error, or with an AbortError after cancel.
   */
  async read(target: Target): Promise<ReportStatus> {
    const { key, gateway, report, variant } = target;
    const controller = new AbortController();
    const number = ++this.startedReads;
    this.reads.add(controller);
    this.rereads.markStarted();

    try {
      const status = await sharedStatusRead(key, gateway, report, variant, controller.signal);

      if (number > this.shownReadNumber) {
        this.shownReadNumber = number;
        this.display.showReport(status);
      }

      this.rereads.markRead();

      return status;
    } finally {
      this.reads.delete(controller);
    }
  }

  /** Aborts every read, before the target changes or while the element cannot use responses. */
  cancel(): void {
    for (const read of this.reads) {
      read.abort();
    }

    this.reads.clear();
  }
}
