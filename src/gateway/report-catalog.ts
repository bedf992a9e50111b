import type { FastifyBaseLogger } from 'fastify';
import type { ConnectClient, Job, Rendering } from '../connect/index.js';
import type { GatewayConfig, ReportConfig } from './config.js';
import { logConnectFailure } from './connect-failures.js';
import { ContentEntry } from './content-entry.js';
import type { JobListRead } from './job-list-cache.js';
import { reportRenderKey } from './render-group.js';
import {
  successfulDurations,
  type FollowedRender,
  type HistoryEntry,
} from './render-history.js';
import type { VariantEntry } from './variant-entry.js';
import { isVariantAllowed } from './variants.js';

export { LAST_RENDERED_TTL_MS, TITLE_TTL_MS } from './content-entry.js';

/** A configured report name with the entry of its content. */
interface ReportEntry {
  name: string;
  config: ReportConfig;
  content: ContentEntry;
}

/** A variant's merged history, and the error of the job-list read when that failed. */
export interface HistoryRead {
  entries: HistoryEntry[];
  /** Error of a failed job-list read, or null. After a failure the entries lack Connect's jobs. */
  jobsError: unknown;
}

/**
 * The configured reports, with the Connect metadata of their content, cached per GUID and
 * variant. Methods that take a `variant` expect a key that the report allows (see
 * resolveVariant), or null for the content's default variant.
 */
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
   * Returns the configured reports whose refreshes of `variant` start the same render as
   * `name`'s, because they have its content and allow the variant: `name` first, then the
   * others in config order.
   */
  sharingRender(
    name: string,
    variant: string | null,
  ): Array<{ name: string; report: ReportConfig }> {
    const key = reportRenderKey(this.entry(name).config, variant);
    const sharing = [...this.entries.values()].filter(
      (entry) =>
        entry.name !== name &&
        isVariantAllowed(entry.config, variant) &&
        reportRenderKey(entry.config, variant) === key,
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

  /** Returns the variant's last-rendered time, loading it from Connect when it is stale. */
  async lastRenderedAt(name: string, variant: string | null): Promise<string | null> {
    const entry = this.variantEntry(name, variant);
    return entry.combine(await entry.lastRendered.get());
  }

  /**
   * Returns the best last-rendered time of the variant known without a new Connect call: it
   * waits for a load already in flight, and otherwise uses the cached value whatever its age.
   * Never rejects; a failed load falls back to what was known before.
   */
  async knownLastRenderedAt(name: string, variant: string | null): Promise<string | null> {
    const entry = this.variantEntry(name, variant);
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

  /** Loads Connect's last-rendered time of the variant in the background, for renders to report. */
  preloadLastRenderedAt(name: string, variant: string | null): void {
    const entry = this.variantEntry(name, variant);
    if (entry.lastRendered.peek() === undefined) {
      this.reloadLastRenderedAt(name, entry);
    }
  }

  /**
   * Returns the report's job list as status requests share it: the stored read while fresh,
   * otherwise a new one (see JobListCache). Never rejects.
   */
  readJobs(name: string): Promise<JobListRead> {
    return this.entry(name).content.jobs.read();
  }

  /** Returns the shared job list read narrowed to the variant's jobs. Never rejects. */
  readVariantJobs(name: string, variant: string | null): Promise<JobListRead> {
    return this.variantEntry(name, variant).readJobs();
  }

  /** Returns a test for the content's jobs that belong to the variant. Never rejects. */
  variantJobFilter(name: string, variant: string | null): Promise<(job: Job) => boolean> {
    return this.variantEntry(name, variant).jobFilter();
  }

  /** Returns Connect's renderings of the variant, or null when unavailable. Never rejects. */
  readRenderings(name: string, variant: string | null): Promise<Rendering[] | null> {
    return this.variantEntry(name, variant).renderings.get();
  }

  /** Marks the report's stored job list stale, because a render of its content ended. */
  invalidateJobs(name: string): void {
    this.entry(name).content.jobs.invalidate();
  }

  /**
   * Returns the durations in seconds of the variant's recent successful renders for a status
   * response, without a Connect call: the stored job list and renderings, whatever their age,
   * merged with the renders the gateway followed (see mergeRenderHistory).
   */
  recentDurations(name: string, variant: string | null): number[] {
    return successfulDurations(this.variantEntry(name, variant).peekHistory());
  }

  /**
   * Reads the variant's job list and renderings, through the caches that status requests
   * share, and merges them with the renders the gateway followed. Never rejects.
   */
  async readHistory(name: string, variant: string | null): Promise<HistoryRead> {
    const entry = this.variantEntry(name, variant);
    const [jobs, renderings] = await Promise.all([entry.readJobs(), entry.renderings.get()]);
    return { entries: entry.history(jobs.jobs, renderings), jobsError: jobs.error };
  }

  /**
   * Adds a render that the gateway follows to the variant's history, for every report of the
   * same content. The render table updates its state when it ends.
   */
  addFollowed(name: string, variant: string | null, render: FollowedRender): void {
    this.variantEntry(name, variant).addFollowed(render);
  }

  /**
   * Records a render of the variant that the gateway saw succeed, for every report of the
   * same content, then reloads Connect's values.
   */
  recordSuccess(name: string, variant: string | null, render: FollowedRender): void {
    this.variantEntry(name, variant).addFollowed(render);
    this.recordEnd(name, variant);
  }

  /** Reloads Connect's values after a render of the variant that failed. */
  recordFailure(name: string, variant: string | null): void {
    this.recordEnd(name, variant);
  }

  private recordEnd(name: string, variant: string | null): void {
    const { content } = this.entry(name);
    const entry = content.variant(variant);
    content.invalidate();
    entry.invalidate();
    this.reloadLastRenderedAt(name, entry);
  }

  private reloadLastRenderedAt(name: string, entry: VariantEntry): void {
    entry.lastRendered.get().catch((error: unknown) => {
      logConnectFailure(this.logger, error, name, 'read the last-rendered time');
    });
  }

  private variantEntry(name: string, variant: string | null): VariantEntry {
    return this.entry(name).content.variant(variant);
  }

  private entry(name: string): ReportEntry {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new Error(`No report named ${name} is configured; check find() first.`);
    }
    return entry;
  }
}
