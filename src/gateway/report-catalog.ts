import type { FastifyBaseLogger } from 'fastify';
import { successfulRenderDurations, type ConnectClient } from '../connect/index.js';
import type { GatewayConfig, ReportConfig } from './config.js';
import { logConnectFailure } from './connect-failures.js';
import { ContentEntry } from './content-entry.js';
import type { JobListRead } from './job-list-cache.js';
import { mergeRenderDurations, type ObservedRender } from './render-durations.js';
import { reportRenderKey } from './render-group.js';

export { LAST_RENDERED_TTL_MS, TITLE_TTL_MS } from './content-entry.js';

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
    /** Aborts when the gateway closes, which stops job-list reads in flight. */
    signal?: AbortSignal,
  ) {
    const contents = new Map<string, ContentEntry>();
    for (const [name, report] of Object.entries(config.reports)) {
      let content = contents.get(report.guid);
      if (content === undefined) {
        content = new ContentEntry({ guid: report.guid, reportName: name, client, logger, signal });
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
   * Returns the report's job list as status requests share it: the stored read while fresh,
   * otherwise a new one (see JobListCache). Never rejects.
   */
  readJobs(name: string): Promise<JobListRead> {
    return this.entry(name).content.jobs.read();
  }

  /** Marks the report's stored job list stale, because a render of its content ended. */
  invalidateJobs(name: string): void {
    this.entry(name).content.jobs.invalidate();
  }

  /**
   * Returns the durations in seconds of the report's recent successful renders for a status
   * response, without a Connect call: the stored job list, whatever its age, merged with the
   * renders the gateway followed (see mergeRenderDurations).
   */
  recentDurations(name: string): number[] {
    const { content } = this.entry(name);
    const jobs = content.jobs.peek()?.jobs ?? null;
    const fromConnect = jobs === null ? [] : successfulRenderDurations(jobs);
    return mergeRenderDurations(fromConnect, content.observed);
  }

  /**
   * Records a render that the gateway saw succeed, for every report of the same content, then
   * reloads Connect's value.
   */
  recordSuccess(name: string, render: ObservedRender): void {
    const entry = this.entry(name);
    entry.content.addObserved(render);
    entry.content.jobs.invalidate();
    entry.content.lastRendered.invalidate();
    this.reloadLastRenderedAt(entry);
  }

  /** Reloads Connect's last-rendered time after a render that failed. */
  recordFailure(name: string): void {
    const entry = this.entry(name);
    entry.content.jobs.invalidate();
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
