import type { FastifyBaseLogger } from 'fastify';
import { isLegacyRouteUnavailable, type ConnectClient, type Variant } from '../connect/index.js';
import { CachedValue } from './cached-value.js';
import { JobListCache } from './job-list-cache.js';
import { VariantEntry } from './variant-entry.js';

/** How long a content title from Connect is reused. */
export const TITLE_TTL_MS = 5 * 60_000;
/**
 * How long Connect's variant list, and with it each variant's last-rendered time, is reused,
 * unless a render of the content finishes.
 */
export const LAST_RENDERED_TTL_MS = 10_000;

export interface ContentEntryOptions {
  guid: string;
  /** The first configured report with this GUID, named in warnings. */
  reportName: string;
  client: ConnectClient;
  logger: FastifyBaseLogger;
  /** Aborts when the gateway closes. */
  signal?: AbortSignal;
}

/**
 * The cached metadata of one content item on Connect, shared by every report name with its
 * GUID: its title, its job list, its variant list, and one VariantEntry per variant that a
 * report renders. A render of a variant changes the last-rendered time and the cooldown of
 * every report name that renders the same variant.
 */
export class ContentEntry {
  readonly title: CachedValue<string | null>;
  readonly jobs: JobListCache;
  /**
   * Connect's variant list, or null when the server lacks the legacy variants route, rejects
   * it or changed its shape. Other failures reject, such as Connect being unreachable.
   */
  readonly variants: CachedValue<Variant[] | null>;
  private readonly variantEntries = new Map<string | null, VariantEntry>();

  constructor(private readonly options: ContentEntryOptions) {
    const { guid, client, signal } = options;
    this.title = new CachedValue(async () => (await client.getContent(guid)).title, TITLE_TTL_MS);
    this.jobs = new JobListCache(options);
    this.variants = new CachedValue(async () => {
      try {
        return await client.listVariants(guid, signal);
      } catch (error) {
        if (isLegacyRouteUnavailable(error)) {
          return null;
        }
        throw error;
      }
    }, LAST_RENDERED_TTL_MS);
  }

  /** Returns the entry of the variant with this key, or of the default variant for null. */
  variant(key: string | null): VariantEntry {
    let entry = this.variantEntries.get(key);
    if (entry === undefined) {
      entry = new VariantEntry({ ...this.options, key, content: this });
      this.variantEntries.set(key, entry);
    }
    return entry;
  }

  /** Marks the stored job list and variant list stale, because a render of the content ended. */
  invalidate(): void {
    this.jobs.invalidate();
    this.variants.invalidate();
  }
}
