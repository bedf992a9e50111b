import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient } from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import type { GatewayConfig, ReportConfig } from './config.js';
import { logConnectFailure } from './connect-failures.js';
import { reportRenderKey } from './render-group.js';

/** How long a content title from Connect is reused. */
export const TITLE_TTL_MS = 5 * 60_000;
/** How long Connect's last-rendered time is reused, unless a render of the report finishes. */
export const LAST_RENDERED_TTL_MS = 10_000;

/** A successful render that the gateway followed itself. */
interface ObservedRender {
  startedAtMs: number;
  finishedAt: string;
}

/**
 * The cached metadata of one content item on Connect, shared by every report name with its
 * GUID, because a render of any of them changes the last-rendered time and the cooldown of all.
 */
class ContentEntry {
  readonly title: CachedValue<string | null>;
  readonly lastRendered: CachedValue<string | null>;
  observed: ObservedRender | null = null;

  constructor(guid: string, client: ConnectClient) {
    this.title = new CachedValue(async () => (await client.getContent(guid)).title, TITLE_TTL_MS);
    this.lastRendered = new CachedValue(
      () => client.getLastRenderedAt(guid),
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

/** A configured report name with the entry of its content. */
interface ReportEntry {
  name: string;
  config: ReportConfig;
  content: ContentEntry;
}

/** The configured reports, with the Connect metadata of their content, cached per GUID. */
export class ReportCatalog {
  private readonly entries = new Map<string, ReportEntry>();

  constructor(
    config: GatewayConfig,
    client: ConnectClient,
    private readonly logger: FastifyBaseLogger,
  ) {
    const contents = new Map<string, ContentEntry>();
    for (const [name, report] of Object.entries(config.reports)) {
      let content = contents.get(report.guid);
      if (content === undefined) {
        content = new ContentEntry(report.guid, client);
        contents.set(report.guid, content);
      }
      this.entries.set(name, { name, config: report, content });
    }
  }

  find(name: string): ReportConfig | undefined {
    return this.entries.get(name)?.config;
  }

  /**
   * Returns the configured reports whose refreshes start the same render as `name`'s, because
   * they have its render key: `name` first, then the others in config order.
   */
  sharingRender(name: string): Array<{ name: string; report: ReportConfig }> {
    const key = reportRenderKey(this.entry(name).config);
    const sharing = [...this.entries.values()].filter(
      (entry) => entry.name !== name && reportRenderKey(entry.config) === key,
    );
    return [this.entry(name), ...sharing].map((entry) => ({
      name: entry.name,
      report: entry.config,
    }));
  }

  /** Returns the content title from Connect, or the report name when Connect has none. */
  async title(name: string): Promise<string> {
    const { content } = this.entry(name);
    try {
      const title = await content.title.get();
      return title === null || title.trim() === '' ? name : title;
    } catch (error) {
      logConnectFailure(this.logger, error, name, 'read the content title');
      return name;
    }
  }

  /** Returns the last-rendered time, loading it from Connect when the cached one is stale. */
  async lastRenderedAt(name: string): Promise<string | null> {
    const { content } = this.entry(name);
    return content.combine(await content.lastRendered.get());
  }

  /**
   * Returns the best last-rendered time known without a new Connect call: it waits for a
   * load already in flight, and otherwise uses the cached value whatever its age. Never
   * rejects; a failed load falls back to what was known before.
   */
  async knownLastRenderedAt(name: string): Promise<string | null> {
    const { content } = this.entry(name);
    const inFlight = content.lastRendered.inFlight();
    if (inFlight !== undefined) {
      try {
        return content.combine(await inFlight);
      } catch {
        // The load that failed has logged its failure.
      }
    }
    return content.combine(content.lastRendered.peek() ?? null);
  }

  /** Loads Connect's last-rendered time in the background, for renders to report. */
  preloadLastRenderedAt(name: string): void {
    const entry = this.entry(name);
    if (entry.content.lastRendered.peek() === undefined) {
      this.reloadLastRenderedAt(entry);
    }
  }

  /**
   * Records a render that the gateway saw succeed, for every report of the same content, then
   * reloads Connect's value.
   */
  recordSuccess(name: string, startedAt: Date, finishedAt: Date): void {
    const entry = this.entry(name);
    entry.content.observed = {
      startedAtMs: startedAt.getTime(),
      finishedAt: finishedAt.toISOString(),
    };
    entry.content.lastRendered.invalidate();
    this.reloadLastRenderedAt(entry);
  }

  /** Reloads Connect's last-rendered time after a render that failed. */
  recordFailure(name: string): void {
    const entry = this.entry(name);
    entry.content.lastRendered.invalidate();
    this.reloadLastRenderedAt(entry);
  }

  private reloadLastRenderedAt(entry: ReportEntry): void {
    entry.content.lastRendered.get().catch((error: unknown) => {
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
