import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RecentRender, RecentRenders } from '../protocol/index.js';
import type { RefreshStatus } from './status.js';

/** Number of renders that the history disclosure lists. */
export const HISTORY_LIMIT = 10;

/** The element whose recent renders a RecentRendersController loads. */
export interface HistoryHost extends ReactiveControllerHost {
  readonly isConnected: boolean;
  /** True while the element shows the history disclosure (the `history` attribute). */
  history: boolean;
  status: RefreshStatus;
}

/** The element's access to its gateway, report and variant, through its RefreshController. */
export interface HistorySource {
  /** Key of the gateway, report and variant now; a change clears the list. */
  targetKey(): string;
  /**
   * The report's last render time as the element shows it, undefined before the first status
   * read. A change from one known value to another reloads an open list.
   */
  lastRenderedAt(): string | null | undefined;
  /** Reads the recent renders with the element's credentials, or returns null without a target. */
  readRecentRenders(limit: number, signal: AbortSignal): Promise<RecentRenders> | null;
}

/** Phase of the list: not loaded yet, loading, loaded, or failed to load. */
export type HistoryPhase = 'idle' | 'loading' | 'loaded' | 'failed';

/**
 * The recent renders of the history disclosure. The list loads when the disclosure opens and
 * again after each render end that the element detects: a followed render that ends, or a
 * newer last render time from a status read or another tab. A closed disclosure loads at its
 * next opening instead. A change of gateway, report or variant clears the list.
 */
export class RecentRendersController implements ReactiveController {
  /** True while the disclosure is open. */
  open = false;
  phase: HistoryPhase = 'idle';
  /** The last list loaded, kept while a newer one loads; null before the first. */
  renders: readonly RecentRender[] | null = null;

  private readonly host: HistoryHost;
  private readonly source: HistorySource;
  private load: AbortController | null = null;
  /** True when the list may miss a render that ended since it loaded. */
  private stale = true;
  private lastTarget: string | null = null;
  private lastStatus: RefreshStatus | null = null;
  private lastRenderedAt: string | null | undefined = undefined;

  constructor(host: HistoryHost, source: HistorySource) {
    this.host = host;
    this.source = source;
    host.addController(this);
  }

  /** Follows the disclosure's `toggle` event and loads the list when it opens. */
  readonly onToggle = (event: Event): void => {
    this.open = (event.target as HTMLDetailsElement).open;

    if (this.open && (this.stale || this.phase === 'failed')) {
      this.reload();
    }

    this.host.requestUpdate();
  };

  /** Loads the list again, as the retry button of a failed load does. */
  readonly onRetry = (): void => {
    this.reload();
    this.host.requestUpdate();
  };

  hostUpdate(): void {
    const target = this.source.targetKey();

    if (target !== this.lastTarget) {
      this.lastTarget = target;
      this.lastRenderedAt = undefined;
      this.clear();
    }

    const { status } = this.host;
    const renderedAt = this.source.lastRenderedAt();
    const renderEnded = this.lastStatus === 'running' && status !== 'running';
    const newerRender = this.lastRenderedAt !== undefined && renderedAt !== undefined
      && renderedAt !== this.lastRenderedAt;
    this.lastStatus = status;
    this.lastRenderedAt = renderedAt;

    if (renderEnded || newerRender) {
      this.stale = true;

      // The update under way renders the loading phase, so no other update is requested.
      if (this.open && this.host.history) {
        this.reload();
      }
    }
  }

  /** Loads an open list again when the element returns to the page, since renders may have ended. */
  hostConnected(): void {
    if (this.open && this.host.history && this.stale) {
      this.reload();
    }
  }

  hostDisconnected(): void {
    this.abort();
    this.stale = true;

    if (this.phase === 'loading') {
      this.phase = this.renders === null ? 'idle' : 'loaded';
    }
  }

  private clear(): void {
    this.abort();
    this.renders = null;
    this.phase = 'idle';
    this.stale = true;
  }

  private reload(): void {
    this.abort();
    const controller = new AbortController();
    const reading = this.source.readRecentRenders(HISTORY_LIMIT, controller.signal);

    if (reading === null || !this.host.isConnected) {
      return;
    }

    this.load = controller;
    this.phase = 'loading';
    this.stale = false;
    reading.then(
      (body) => this.settle(controller, 'loaded', body.renders),
      () => this.settle(controller, 'failed', this.renders),
    );
  }

  private settle(
    controller: AbortController,
    phase: HistoryPhase,
    renders: readonly RecentRender[] | null,
  ): void {
    if (this.load !== controller) {
      return;
    }

    this.load = null;
    this.phase = phase;
    this.renders = renders;
    this.host.requestUpdate();
  }

  private abort(): void {
    this.load?.abort();
    this.load = null;
  }
}
