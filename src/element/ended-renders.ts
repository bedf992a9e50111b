import type { RenderSummary, ReportStatus } from '../protocol/index.js';

/** Maximum number of ended renders remembered per target; the oldest is forgotten first. */
export const MAX_ENDED_RENDERS = 20;

/** Returns the `sessionStorage` key of the ended renders of the target with tab key `tabKey`. */
export function endedRendersStorageKey(tabKey: string): string {
  return `connect-refresh-button:ended:${tabKey}`;
}

/**
 * Renders that an element followed to their end, by gateway, report and handle. The gateway's
 * status response can come from a job list a few seconds old and still report such a render as
 * running, and the element must not follow it, and fire its events, a second time. The handles
 * are also kept in `sessionStorage`, so that a reloaded page or an element added later skips
 * them too. Storage that the browser blocks leaves only the element's own memory.
 */
export class EndedRenders {
  /** Handles of the ended renders by tab key, oldest first. */
  private readonly handles = new Map<string, string[]>();

  /** Notes that the render `handle` of the target with tab key `tabKey` ended. */
  add(tabKey: string, handle: string): void {
    const stored = readStored(tabKey);
    const known = stored.length > 0 ? stored : (this.handles.get(tabKey) ?? []);
    const updated = [...known.filter((other) => other !== handle), handle];
    const kept = updated.slice(-MAX_ENDED_RENDERS);
    this.handles.set(tabKey, kept);
    writeStored(tabKey, kept);
  }

  /** Returns whether the render `handle` of the target with `tabKey` was seen to end. */
  has(tabKey: string, handle: string): boolean {
    const own = this.handles.get(tabKey) ?? [];

    return own.includes(handle) || readStored(tabKey).includes(handle);
  }

  /**
   * Returns the render that a status read of the target with `tabKey` found running, or null
   * when none runs or it was seen to end.
   */
  runningRender(tabKey: string, status: ReportStatus): RenderSummary | null {
    const { render } = status;

    if (render?.state !== 'running' || this.has(tabKey, render.handle)) {
      return null;
    }

    return render;
  }
}

function readStored(tabKey: string): string[] {
  try {
    const parsed: unknown = JSON.parse(
      window.sessionStorage.getItem(endedRendersStorageKey(tabKey)) ?? '[]',
    );

    return Array.isArray(parsed) ? parsed.filter((item) => typeof item === 'string') : [];
  } catch {
    // Blocked storage or a damaged entry: only the element's own memory counts.
    return [];
  }
}

function writeStored(tabKey: string, handles: string[]): void {
  try {
    window.sessionStorage.setItem(endedRendersStorageKey(tabKey), JSON.stringify(handles));
  } catch {
    // Blocked or full storage only costs skipping these renders after a reload.
  }
}
