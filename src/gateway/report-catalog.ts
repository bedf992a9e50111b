import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient } from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import type { GatewayConfig, ReportConfig } from './config.js';
import { logConnectFailure } from './connect-failures.js';

/** How long a content title from Connect is reused. */
export const TITLE_TTL_MS = 5 * 60_000;
/** How long Connect's last-rendered time is reused, unless a render of the report finishes. */
export const LAST_RENDERED_TTL_MS = 10_000;

/** A successful render that the gateway followed itself. */
interface ObservedRender {
  startedAtMs: number;
  finishedAt: string;
}

class ReportEntry {
  readonly title: CachedValue<string | null>;
  readonly lastRendered: CachedValue<string | null>;
  observed: ObservedRender | null = null;

  constructor(readonly name: string, readonly config: ReportConfig, client: ConnectClient) {
    this.title = new CachedValue(
      async () => (await client.getContent(config.guid)).title,
      TITLE_TTL_MS,
    );
    this.lastRendered = new CachedValue(
      () => client.getLastRenderedAt(config.guid),
      LAST_RENDERED_TTL_MS,
    );
  }

  /**
   * Combines Connect's value with the render the gateway saw succeed. The observed
   * completion time wins only while Connect's value predates that render's start, so the
   * element never shows an older time than the render it just watched finish.
   */
  combine(fromConnect: string | null): string | null {
    if (this.observed === null) {
      return fromConnect;
    }
    // NOTE: this compares Connect's clock with the gateway's; a large skew between the two
    // keeps the observed time in place of Connect's value.
    if (fromConnect === null || Date.parse(fromConnect) < this.observed.startedAtMs) {
      return this.observed.finishedAt;
    }
    return fromConnect;
  }
}

/** The configured reports, with their cached Connect metadata. */
export class ReportCatalog {
  private readonly entries = new Map<string, ReportEntry>();

  constructor(
    config: GatewayConfig,
    client: ConnectClient,
    private readonly logger: FastifyBaseLogger,
  ) {
    for (const [name, report] of Object.entries(config.reports)) {
      this.entries.set(name, new ReportEntry(name, report, client));
    }
  }

  find(name: string): ReportConfig | undefined {
    return this.entries.get(name)?.config;
  }

  /** Returns the content title from Connect, or the report name when Connect has none. */
  async title(name: string): Promise<string> {
    const entry = this.entry(name);
    try {
      const title = await entry.title.get();
      return title === null || title.trim() === '' ? name : title;
    } catch (error) {
      logConnectFailure(this.logger, error, name, 'read the content title');
      return name;
    }
  }

  /** Returns the last-rendered time, loading it from Connect when the cached one is stale. */
  async lastRenderedAt(name: string): Promise<string | null> {
    const entry = this.entry(name);
    return entry.combine(await entry.lastRendered.get());
  }

  /**
   * Returns the best last-rendered time known without a new Connect call: it waits for a
   * load already in flight, and otherwise uses the cached value whatever its age. Never
   * rejects; a failed load falls back to what was known before.
   */
  async knownLastRenderedAt(name: string): Promise<string | null> {
    const entry = this.entry(name);
    const inFlight = entry.lastRendered.inFlight();
    if (inFlight !== undefined) {
      try {
        return entry.combine(await inFlight);
      } catch {
        // The load that failed has logged its failure.
      }
    }
    return entry.combine(entry.lastRendered.peek() ?? null);
  }

  /** Loads Connect's last-rendered time in the background, for renders to report. */
  preloadLastRenderedAt(name: string): void {
    const entry = this.entry(name);
    if (entry.lastRendered.peek() === undefined) {
      this.reloadLastRenderedAt(entry);
    }
  }

  /** Records a render that the gateway saw succeed, then reloads Connect's value. */
  recordSuccess(name: string, startedAt: Date, finishedAt: Date): void {
    const entry = this.entry(name);
    entry.observed = { startedAtMs: startedAt.getTime(), finishedAt: finishedAt.toISOString() };
    entry.lastRendered.invalidate();
    this.reloadLastRenderedAt(entry);
  }

  /** Reloads Connect's last-rendered time after a render that failed. */
  recordFailure(name: string): void {
    const entry = this.entry(name);
    entry.lastRendered.invalidate();
    this.reloadLastRenderedAt(entry);
  }

  private reloadLastRenderedAt(entry: ReportEntry): void {
    entry.lastRendered.get().catch((error: unknown) => {
      logConnectFailure(this.logger, error, entry.name, 'read the last-rendered time');
    });
  }

  private entry(name: string): ReportEntry {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new Error(`No report named ${name} is configured; check find() first.`);
    }
    return entry;
  }
}
