import { GatewayHttpError } from './errors.js';

/** Number of clients tracked per limiter before idle ones are dropped. */
export const MAX_TRACKED_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/**
 * A token bucket per client: each client may send `perMinute` requests in a burst, and then
 * one more each time `60 / perMinute` seconds have passed.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxClients = MAX_TRACKED_CLIENTS,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /**
   * Takes one request from the client's bucket. Returns 0 when the request may proceed,
   * otherwise the whole seconds until the client may send the next one.
   */
  take(client: string): number {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? this.addBucket(client, now);
    bucket.tokens = Math.min(
      this.perMinute,
      bucket.tokens + (now - bucket.updatedAtMs) * this.refillPerMs,
    );
    bucket.updatedAtMs = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }

  private addBucket(client: string, now: number): Bucket {
    if (this.buckets.size >= this.maxClients) {
      this.dropIdleBuckets(now);
    }
    const bucket = { tokens: this.perMinute, updatedAtMs: now };
    this.buckets.set(client, bucket);
    return bucket;
  }

  /**
   * Drops buckets that have refilled, because a new bucket is the same. When every client is
   * active, drops the least recently added tenth, which lets those clients start afresh.
   */
  private dropIdleBuckets(now: number): void {
    const refillMs = 60_000;
    for (const [client, bucket] of this.buckets) {
      if (now - bucket.updatedAtMs >= refillMs) {
        this.buckets.delete(client);
      }
    }
    let excess = this.buckets.size - Math.floor(this.maxClients * 0.9);
    for (const client of this.buckets.keys()) {
      if (excess <= 0) {
        break;
      }
      this.buckets.delete(client);
      excess -= 1;
    }
  }
}

/** Creates the 429 `rate_limited` error for a client that must wait `retryAfterS` seconds. */
export function rateLimited(
  requestKind: string,
  client: string,
  perMinute: number,
  retryAfterS: number,
): GatewayHttpError {
  const wait = retryAfterS === 1 ? '1 second' : `${retryAfterS} seconds`;
  return new GatewayHttpError(
    429,
    'rate_limited',
    `Too many ${requestKind} from ${client}: the limit is ${perMinute} per minute. ` +
      `Try again in ${wait}.`,
    { 'retry-after': String(retryAfterS) },
  );
}
