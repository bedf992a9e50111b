import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConnectApiError,
  ConnectResponseError,
  ConnectUnreachableError,
  parseRetryAfter,
  retryDelayMs,
  type RetryPolicy,
} from '../../src/connect/index.js';

const POLICY: RetryPolicy = {
  maxAttempts: 4,
  firstDelayMs: 100,
  maxDelayMs: 300,
  maxRetryAfterMs: 5_000,
};

function apiError(status: number, retryAfterMs: number | null = null): ConnectApiError {
  return new ConnectApiError(`HTTP ${status}`, {
    status, code: null, connectMessage: null, payload: null, method: 'GET', path: '/x',
    retryAfterMs,
  });
}

const unreachable = new ConnectUnreachableError('reset', {
  method: 'GET', path: '/x', timedOut: false,
});

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    assert.equal(parseRetryAfter('7'), 7_000);
  });

  it('reads an HTTP date', () => {
    const nowMs = Date.parse('2026-01-02T03:04:05Z');
    assert.equal(parseRetryAfter('Fri, 02 Jan 2026 03:04:15 GMT', nowMs), 10_000);
  });

  it('treats a past date as zero', () => {
    const nowMs = Date.parse('2026-01-02T03:04:05Z');
    assert.equal(parseRetryAfter('Fri, 02 Jan 2026 03:00:00 GMT', nowMs), 0);
  });

  it('rejects absent and invalid values', () => {
    assert.equal(parseRetryAfter(null), null);
    assert.equal(parseRetryAfter(''), null);
    assert.equal(parseRetryAfter('soon'), null);
  });
});

describe('retryDelayMs', () => {
  it('doubles the backoff ceiling up to the cap', () => {
    const ceilings = [1, 2, 3].map((attempt) => retryDelayMs(unreachable, attempt, POLICY, () => 1));
    assert.deepEqual(ceilings, [100, 200, 300]);
  });

  it('draws the backoff at random below the ceiling', () => {
    assert.equal(retryDelayMs(unreachable, 2, POLICY, () => 0.25), 50);
    assert.equal(retryDelayMs(unreachable, 2, POLICY, () => 0), 0);
  });

  it('stops after the last attempt', () => {
    assert.equal(retryDelayMs(unreachable, POLICY.maxAttempts, POLICY, () => 1), null);
  });

  it('retries server errors and 429', () => {
    for (const status of [429, 500, 502, 503, 504]) {
      assert.equal(retryDelayMs(apiError(status), 1, POLICY, () => 1), 100, `HTTP ${status}`);
    }
  });

  it('does not retry client errors', () => {
    for (const status of [400, 401, 403, 404]) {
      assert.equal(retryDelayMs(apiError(status), 1, POLICY, () => 1), null, `HTTP ${status}`);
    }
    const malformed = new ConnectResponseError('bad body', { field: null });
    assert.equal(retryDelayMs(malformed, 1, POLICY, () => 1), null);
  });

  it('waits at least Retry-After', () => {
    assert.equal(retryDelayMs(apiError(503, 2_000), 1, POLICY, () => 1), 2_000);
    assert.equal(retryDelayMs(apiError(429, 50), 1, POLICY, () => 1), 100);
  });

  it('gives up on a long Retry-After', () => {
    assert.equal(retryDelayMs(apiError(429, 6_000), 1, POLICY, () => 0), null);
  });
});
