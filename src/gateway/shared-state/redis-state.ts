import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { RedisConfig } from '../config-redis.js';
import { createRenderId } from '../handles.js';
import { ERROR_TAIL_LINES, MAX_STORED_LINES, type LogExposure } from '../render-log.js';
import { FINISHED_RENDER_TTL_MS } from '../render-table.js';
import { READ_BATCH_LINES, MemoryRateLimits } from './memory-state.js';
import { fromWire, RedisCommands, toWire } from './redis-commands.js';
import { createRedisConnection, waitForReady, type RedisConnection } from './redis-connection.js';
import { ThrottledWarning } from './throttled-warning.js';
import {
  type ClaimResult,
  type CooldownStore,
  type RateLimitKind,
  type RateLimitStore,
  type RenderClaims,
  type RenewResult,
  type SharedCancelMark,
  type SharedOutcome,
  type SharedRender,
  type SharedRenderOrigin,
  type SharedRenderRead,
  type SharedState,
} from './types.js';

/** Render claims in Redis; see redis-scripts.ts for the keys. */
class RedisRenderClaims implements RenderClaims {
  readonly replicated = true;
  constructor(
    private readonly commands: RedisCommands,
    readonly owner: string,
    private readonly claimTtlMs: number,
  ) {}

  async claim(key: string, origin: SharedRenderOrigin): Promise<ClaimResult> {
    const render: SharedRender = { ...origin, id: createRenderId(), key, owner: this.owner };
    const keys = this.commands.renderKeys(render).slice(0, 3);
    const holder = await this.commands.script('claimRender', keys, [toWire(render), this.claimTtlMs]);
    if (holder === null) {
      return { claimed: true, render };
    }
    return { claimed: false, render: fromWire(String(holder)) };
  }

  async renew(render: SharedRender): Promise<RenewResult> {
    const keys = this.commands.renderKeys(render);
    const result = await this.commands.script('renewClaim', keys, [toWire(render), this.claimTtlMs]);
    return String(result) as RenewResult;
  }

  async appendOutput(
    render: SharedRender,
    lines: readonly string[],
    exposure: LogExposure,
  ): Promise<void> {
    if (lines.length === 0) {
      return;
    }
    const keys = this.commands.renderKeys(render).slice(2);
    await this.commands.script('appendOutput', keys, [
      MAX_STORED_LINES,
      ERROR_TAIL_LINES,
      exposure,
      ...lines,
    ]);
  }

  async finish(render: SharedRender, outcome: SharedOutcome): Promise<void> {
    await this.commands.script('finishRender', this.commands.renderKeys(render), [
      toWire(render),
      outcome.state,
      outcome.finishedAt.getTime(),
      outcome.reason ?? '',
      outcome.cancelledBy ?? '',
      FINISHED_RENDER_TTL_MS,
    ]);
  }

  async abandon(render: SharedRender): Promise<void> {
    await this.commands.script('abandonRender', this.commands.renderKeys(render), [toWire(render)]);
  }

  async markCancelled(render: SharedRender, mark: SharedCancelMark | null): Promise<void> {
    const stateKey = this.commands.key('state', render.id);
    const args = mark === null ? [] : [mark.by, mark.jobKey];
    await this.commands.script('markCancelled', [stateKey], args);
  }

  async cancelMark(render: SharedRender): Promise<SharedCancelMark | null> {
    const stateKey = this.commands.key('state', render.id);
    const [by, jobKey] = await this.commands.run('read of a kill order', () =>
      this.commands.redis.hmget(stateKey, 'cancel_by', 'cancel_job'),
    );
    if (by === null || by === undefined || by === '' || jobKey === null || jobKey === undefined) {
      return null;
    }
    return { by, jobKey };
  }

  async current(key: string): Promise<SharedRender | undefined> {
    const claimKey = this.commands.key('claim', key);
    const holder = await this.commands.run('read of a claim', () => this.commands.redis.get(claimKey));
    return holder === null ? undefined : fromWire(holder);
  }

  async newestSince(key: string, since: Date): Promise<SharedRender | undefined> {
    const [holder, newest] = await this.commands.run('read of the newest render', () =>
      this.commands.redis.mget(this.commands.key('claim', key), this.commands.key('newest', key)),
    );
    if (holder !== null && holder !== undefined) {
      return fromWire(holder);
    }
    if (newest === null || newest === undefined) {
      return undefined;
    }
    const render = fromWire(newest);
    return render.startedAt.getTime() >= since.getTime() ? render : undefined;
  }

  async read(render: SharedRender, from: number): Promise<SharedRenderRead | undefined> {
    const keys = this.commands.renderKeys(render).slice(2);
    const reply = await this.commands.script('readRender', keys, [from, READ_BATCH_LINES]);
    if (reply === null) {
      return undefined;
    }
    const [state, finishedAt, reason, lineCount, lines, tail, cancelledBy] = reply as [
      SharedRenderRead['state'],
      string,
      string,
      number,
      string[],
      string[],
      string,
    ];
    return {
      render,
      state,
      finishedAt: finishedAt === '' ? null : new Date(Number(finishedAt)),
      reason: reason === '' ? null : reason,
      cancelledBy: cancelledBy === '' ? null : cancelledBy,
      lineCount: Number(lineCount),
      lines,
      tail,
    };
  }
}

/** The last successful render of each key, kept in Redis for the longest cooldown. */
class RedisCooldowns implements CooldownStore {
  constructor(private readonly commands: RedisCommands) {}

  async recordSuccess(key: string, finishedAt: Date, keepMs: number): Promise<void> {
    if (keepMs <= 0) {
      return;
    }
    const successKey = this.commands.key('success', key);
    await this.commands.script('recordSuccess', [successKey], [finishedAt.getTime(), keepMs]);
  }

  async lastSuccess(key: string): Promise<Date | null> {
    const successKey = this.commands.key('success', key);
    const stored = await this.commands.run('read of the last success', () =>
      this.commands.redis.get(successKey),
    );
    return stored === null ? null : new Date(Number(stored));
  }
}

/**
 * Token buckets in Redis, shared by the replicas. While Redis fails, each replica counts in
 * its own memory instead, so reads go on; the limits then apply per replica.
 */
class RedisRateLimits implements RateLimitStore {
  private readonly fallback = new MemoryRateLimits();
  private readonly fallbackWarning: ThrottledWarning;

  constructor(
    private readonly commands: RedisCommands,
    logger: FastifyBaseLogger,
  ) {
    this.fallbackWarning = new ThrottledWarning(
      logger,
      'Counting rate limits in memory, per replica, because Redis failed',
    );
  }

  async take(kind: RateLimitKind, client: string, perMinute: number): Promise<number> {
    // Hashed, so that user names and addresses are not stored in Redis key names.
    const clientHash = createHash('sha256').update(client).digest('base64url');
    const bucketKey = this.commands.key(`rate:${kind}:${perMinute}`, clientHash);
    try {
      return Number(await this.commands.script('takeToken', [bucketKey], [perMinute]));
    } catch (error) {
      this.fallbackWarning.warn({ reason: (error as Error).message });
      return this.fallback.takeNow(kind, client, perMinute);
    }
  }
}

/** The shared state of replicas in Redis. */
export class RedisState implements SharedState {
  readonly description: string;
  readonly renders: RenderClaims;
  readonly cooldowns: CooldownStore;
  readonly rateLimits: RateLimitStore;
  private readonly commands: RedisCommands;

  constructor(
    private readonly connection: RedisConnection,
    config: Pick<RedisConfig, 'key_prefix' | 'claim_ttl_ms'>,
    logger: FastifyBaseLogger,
  ) {
    this.description = connection.description;
    this.commands = new RedisCommands(connection, config.key_prefix);
    this.renders = new RedisRenderClaims(this.commands, createRenderId(), config.claim_ttl_ms);
    this.cooldowns = new RedisCooldowns(this.commands);
    this.rateLimits = new RedisRateLimits(this.commands, logger);
  }

  /**
   * Connects to the configured Redis and waits up to `connect_timeout_ms` for the connection.
   * A Redis that is down does not stop the gateway: it logs a warning, serves reads, and
   * rejects refreshes with 503 until the connection is up.
   */
  static async open(
    config: RedisConfig,
    env: NodeJS.ProcessEnv,
    logger: FastifyBaseLogger,
  ): Promise<RedisState> {
    const connection = createRedisConnection(config, env, logger);
    await waitForReady(connection.redis, config.connect_timeout_ms);
    return new RedisState(connection, config, logger);
  }

  async check(): Promise<string | null> {
    try {
      await this.commands.run('ping', () => this.connection.redis.ping());
      return null;
    } catch (error) {
      return `${(error as Error).message}; refreshes get 503 until Redis is back.`;
    }
  }

  /** Closes the connection; QUIT first, so that Redis ends it cleanly when it is up. */
  async close(): Promise<void> {
    const { redis } = this.connection;
    if (redis.status === 'ready') {
      await redis.quit().catch(() => redis.disconnect());
    } else {
      redis.disconnect();
    }
  }
}
