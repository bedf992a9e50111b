import type { RenderSummary, ReportStatus } from '../protocol/index.js';

/** Maximum number of ended renders remembered; the oldest is forgotten first. */
export const MAX_ENDED_RENDERS = 20;

/**
 * Renders that an element followed to their end, by gateway, report and handle. The gateway's
 * status response can come from a job list a few seconds old and still report such a render as
 * running, and the element must not follow it, and fire its events, a second time.
 */
export class EndedRenders {
  /** Keys of the ended renders, oldest first. */
  private readonly keys = new Set<string>();

  /** Notes that the render `handle` of the target with tab key `tabKey` ended. */
  add(tabKey: string, handle: string): void {
    const key = JSON.stringify([tabKey, handle]);
    this.keys.delete(key);
    this.keys.add(key);

    if (this.keys.size > MAX_ENDED_RENDERS) {
      const oldest = this.keys.values().next().value;
      this.keys.delete(oldest!);
    }
  }

  /** Returns whether the element saw the render `handle` of the target with `tabKey` end. */
  has(tabKey: string, handle: string): boolean {
    return this.keys.has(JSON.stringify([tabKey, handle]));
  }

  /**
   * Returns the render that a status read of the target with `tabKey` found running, or null
   * when none runs or the element saw it end.
   */
  runningRender(tabKey: string, status: ReportStatus): RenderSummary | null {
    const { render } = status;

    if (render?.state !== 'running' || this.has(tabKey, render.handle)) {
      return null;
    }

    return render;
  }
}
