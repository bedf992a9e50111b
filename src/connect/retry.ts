/**
 * Retries of idempotent Connect requests (GET): which failures are worth another attempt,
 * and how long to wait before it.
 */
import { ConnectApiError, ConnectUnreachableError } from './errors.js';

/** Bounds of the retries of one GET request. */
export interface RetryPolicy {
  /** Attempts in all, the first one included; 1 turns retries off. */
  maxAttempts: number;
  /** Upper bound of the first backoff in ms; each later attempt doubles it. */
  firstDelayMs: number;
  /** Upper bound of any backoff in ms. */
  maxDelayMs: number;
  /** Longest `Retry-After` in ms that is waited for; a longer one ends the retries. */
  maxRetryAfterMs: number;
}

/** Facts of a retry, for the caller's log line. */
export interface RetryEvent {
  method: string;
  path: string;
  /** Number of the attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

/**
 * Default for the gateway: three attempts within a few seconds, so that a status read
 * survives a short blip but a Connect outage still gets a prompt 503.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 3,
  firstDelayMs: 250,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 10_000,
};

/** HTTP statuses after which a GET may succeed when sent again. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * Parses a `Retry-After` value, in seconds or as an HTTP date, into ms from `nowMs`.
 * Returns null for an absent or invalid value.
 */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (value === null || value.trim() === '') {
    return null;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

/** Returns true for failures that another attempt of the same GET may not repeat. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectUnreachableError) {
    return true;
  }
  return error instanceof ConnectApiError && RETRYABLE_STATUSES.has(error.status);
}

/**
 * Returns the pause in ms before attempt `attempt + 1`, or null when the failure is not worth
 * a retry. The pause is a random "full jitter" backoff below `firstDelayMs * 2^(attempt-1)`,
 * capped at `maxDelayMs`. The server's `Retry-After` on a 429 or 503 is a lower bound, and a
 * `Retry-After` beyond `maxRetryAfterMs` ends the retries.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (attempt >= policy.maxAttempts || !isRetryable(error)) {
    return null;
  }
  const ceilingMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
  const backoffMs = Math.round(random() * ceilingMs);
  const retryAfterMs = error instanceof ConnectApiError ? error.retryAfterMs : null;
  if (retryAfterMs === null) {
    return backoffMs;
  }
  if (retryAfterMs > policy.maxRetryAfterMs) {
    return null;
  }
  return Math.max(retryAfterMs, backoffMs);
}
