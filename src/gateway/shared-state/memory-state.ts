import { createRenderId } from '../handles.js';
import { RateLimiter } from '../rate-limit.js';
import { ERROR_TAIL_LINES, MAX_STORED_LINES, type LogExposure } from '../render-log.js';
import { FINISHED_RENDER_TTL_MS } from '../render-table.js';
import type {
  ClaimResult,
  CooldownStore,
  RateLimitKind,
  RateLimitStore,
  RenderClaims,
  RenewResult,
  SharedOutcome,
  SharedCancelMark,
  SharedRender,
  SharedRenderOrigin,
  SharedRenderRead,
  SharedState,
} from './types.js';

/** Maximum number of stored lines that one read returns. */
export const READ_BATCH_LINES = 1000;

/** A render's shared state, as both implementations keep it. */
interface StoredRender {
  render: SharedRender;
  state: SharedRenderRead['state'];
  finishedAt: Date | null;
  reason: string | null;
  /** Kill order that a replica stored while the render runs, or null once it ended. */
  cancel: SharedCancelMark | null;
  cancelledBy: string | null;
  lineCount: number;
  lines: string[];
  tail: string[];
  expiresAtMs: number;
}

/** Render claims in one process, for a gateway without Redis. */
export class MemoryRenderClaims implements RenderClaims {
  readonly replicated = false;
  private readonly claims = new Map<string, { render: SharedRender; expiresAtMs: number }>();
  private readonly renders = new Map<string, StoredRender>();
  /** The newest render of each key, for `newestSince` after it ended. */
  private readonly newest = new Map<string, SharedRender>();

  constructor(
    readonly owner: string,
    private readonly claimTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: string, origin: SharedRenderOrigin): Promise<ClaimResult> {
    this.dropExpired();
    const holder = this.claims.get(key);
    if (holder !== undefined) {
      return { claimed: false, render: holder.render };
    }
    const render: SharedRender = { ...origin, id: createRenderId(), key, owner: this.owner };
    const expiresAtMs = this.now() + this.claimTtlMs;
    this.claims.set(key, { render, expiresAtMs });
    this.renders.set(render.id, {
      render,
      state: 'running',
      finishedAt: null,
      reason: null,
      cancel: null,
      cancelledBy: null,
      lineCount: 0,
      lines: [],
      tail: [],
      expiresAtMs,
    });
    this.newest.set(key, render);
    return { claimed: true, render };
  }

  async renew(render: SharedRender): Promise<RenewResult> {
    this.dropExpired();
    const holder = this.claims.get(render.key);
    const stored = this.renders.get(render.id);
    const heldByOther = holder !== undefined && holder.render.id !== render.id;
    if (heldByOther || (stored !== undefined && stored.state !== 'running')) {
      return 'lost';
    }
    const expiresAtMs = this.now() + this.claimTtlMs;
    this.claims.set(render.key, { render, expiresAtMs });
    if (stored !== undefined) {
      stored.expiresAtMs = expiresAtMs;
    }
    return holder === undefined ? 'reclaimed' : 'renewed';
  }

  async appendOutput(
    render: SharedRender,
    lines: readonly string[],
    exposure: LogExposure,
  ): Promise<void> {
    const stored = this.renders.get(render.id);
    if (stored === undefined || stored.state !== 'running' || lines.length === 0) {
      return;
    }
    if (exposure === 'full') {
      const room = Math.max(0, MAX_STORED_LINES - stored.lines.length);
      stored.lines.push(...lines.slice(0, room));
    }
    if (exposure !== 'none') {
      stored.tail.push(...lines);
      stored.tail.splice(0, Math.max(0, stored.tail.length - ERROR_TAIL_LINES));
    }
    stored.lineCount += lines.length;
  }

  async finish(render: SharedRender, outcome: SharedOutcome): Promise<void> {
    const stored = this.renders.get(render.id);
    if (stored !== undefined) {
      stored.state = outcome.state;
      stored.finishedAt = outcome.finishedAt;
      stored.reason = outcome.reason;
      stored.cancelledBy = outcome.cancelledBy;
      stored.cancel = null;
      stored.expiresAtMs = this.now() + FINISHED_RENDER_TTL_MS;
    }
    this.release(render);
  }

  async abandon(render: SharedRender): Promise<void> {
    this.renders.delete(render.id);
    if (this.newest.get(render.key)?.id === render.id) {
      this.newest.delete(render.key);
    }
    this.release(render);
  }

  async markCancelled(render: SharedRender, mark: SharedCancelMark | null): Promise<void> {
    const stored = this.renders.get(render.id);
    if (stored !== undefined && stored.state === 'running') {
      stored.cancel = mark;
    }
  }

  async cancelMark(render: SharedRender): Promise<SharedCancelMark | null> {
    this.dropExpired();
    return this.renders.get(render.id)?.cancel ?? null;
  }

  async current(key: string): Promise<SharedRender | undefined> {
    this.dropExpired();
    return this.claims.get(key)?.render;
  }

  async newestSince(key: string, since: Date): Promise<SharedRender | undefined> {
    this.dropExpired();
    const holder = this.claims.get(key);
    if (holder !== undefined) {
      return holder.render;
    }
    const newest = this.newest.get(key);
    if (newest === undefined || !this.renders.has(newest.id)) {
      return undefined;
    }
    return newest.startedAt.getTime() >= since.getTime() ? newest : undefined;
  }

  async read(render: SharedRender, from: number): Promise<SharedRenderRead | undefined> {
    this.dropExpired();
    const stored = this.renders.get(render.id);
    if (stored === undefined) {
      return undefined;
    }
    const ended = stored.state !== 'running';
    return {
      render: stored.render,
      state: stored.state,
      finishedAt: stored.finishedAt,
      reason: stored.reason,
      cancelledBy: stored.cancelledBy ?? stored.cancel?.by ?? null,
      lineCount: stored.lineCount,
      lines: stored.lines.slice(from, from + READ_BATCH_LINES),
      tail: ended ? [...stored.tail] : [],
    };
  }

  private release(render: SharedRender): void {
    if (this.claims.get(render.key)?.render.id === render.id) {
      this.claims.delete(render.key);
    }
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [key, holder] of this.claims) {
      if (holder.expiresAtMs <= now) {
        this.claims.delete(key);
      }
    }
    for (const [id, stored] of this.renders) {
      if (stored.expiresAtMs <= now) {
        this.renders.delete(id);
      }
    }
  }
}

/** The last successful render of each key in one process. */
export class MemoryCooldowns implements CooldownStore {
  private readonly successes = new Map<string, { finishedAt: Date; expiresAtMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async recordSuccess(key: string, finishedAt: Date, keepMs: number): Promise<void> {
    const known = this.successes.get(key);
    if (keepMs <= 0 || (known !== undefined && known.finishedAt >= finishedAt)) {
      return;
    }
    this.successes.set(key, { finishedAt, expiresAtMs: this.now() + keepMs });
  }

  async lastSuccess(key: string): Promise<Date | null> {
    const known = this.successes.get(key);
    if (known === undefined) {
      return null;
    }
    if (known.expiresAtMs <= this.now()) {
      this.successes.delete(key);
      return null;
    }
    return known.finishedAt;
  }
}

/** Token buckets in one process: today's RateLimiter, one per kind and rate. */
export class MemoryRateLimits implements RateLimitStore {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(kind: RateLimitKind, client: string, perMinute: number): Promise<number> {
    return this.takeNow(kind, client, perMinute);
  }

  /** Takes one request synchronously; see RateLimitStore.take. */
  takeNow(kind: RateLimitKind, client: string, perMinute: number): number {
    const name = `${kind}:${perMinute}`;
    let limiter = this.limiters.get(name);
    if (limiter === undefined) {
      limiter = new RateLimiter(perMinute, this.now);
      this.limiters.set(name, limiter);
    }
    return limiter.take(client);
  }
}

export interface MemoryStateOptions {
  /** Lifetime of a claim that its owner does not renew, in ms. */
  claimTtlMs: number;
  now?: () => number;
}

/** The shared state of a gateway without Redis: one replica, so everything stays in memory. */
export class MemoryState implements SharedState {
  readonly description = 'memory';
  readonly renders: MemoryRenderClaims;
  readonly cooldowns: MemoryCooldowns;
  readonly rateLimits: MemoryRateLimits;

  constructor(options: MemoryStateOptions) {
    this.renders = new MemoryRenderClaims(createRenderId(), options.claimTtlMs, options.now);
    this.cooldowns = new MemoryCooldowns(options.now);
    this.rateLimits = new MemoryRateLimits(options.now);
  }

  async check(): Promise<string | null> {
    return null;
  }

  async close(): Promise<void> {}
}
