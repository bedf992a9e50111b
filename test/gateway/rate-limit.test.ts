import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter, rateLimited } from '../../src/gateway/rate-limit.js';

/** Creates a clock that the test moves by hand. */
function manualClock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then one per interval', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(10, clock.now);
    for (let i = 0; i < 10; i += 1) {
      assert.equal(limiter.take('token cron'), 0, `request ${i + 1}`);
    }
    assert.equal(limiter.take('token cron'), 6);

    clock.advance(5_999);
    assert.equal(limiter.take('token cron'), 1);
    clock.advance(1);
    assert.equal(limiter.take('token cron'), 0);
    assert.equal(limiter.take('token cron'), 6);
  });

  it('keeps clients apart', () => {
    const limiter = new RateLimiter(1, manualClock().now);
    assert.equal(limiter.take('user alice'), 0);
    assert.equal(limiter.take('user alice'), 60);
    assert.equal(limiter.take('user bob'), 0);
  });

  it('refills to the burst size only', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(2, clock.now);
    limiter.take('a');
    clock.advance(10 * 60_000);
    assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('a'), 30);
  });

  it('drops clients beyond its capacity', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, clock.now, 10);
    for (let i = 0; i < 10; i += 1) {
      limiter.take(`client ${i}`);
    }
    assert.equal(limiter.take('client 0'), 60, 'client 0 is still tracked');
    limiter.take('client 10');
    // The oldest tenth made room for client 10, so client 0 starts afresh.
    assert.equal(limiter.take('client 0'), 0);
    assert.equal(limiter.take('client 9'), 60);
  });

  it('drops refilled clients first', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, clock.now, 3);
    limiter.take('old');
    clock.advance(60_000);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    assert.equal(limiter.take('a'), 60, 'a stays tracked while old is dropped');
  });
});

describe('rateLimited', () => {
  it('states the limit and the wait', () => {
    const error = rateLimited('refresh requests', 'token cron', 10, 6);
    assert.equal(error.statusCode, 429);
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.headers['retry-after'], '6');
    assert.equal(
      error.message,
      'Too many refresh requests from token cron: the limit is 10 per minute. ' +
        'Try again in 6 seconds.',
    );
    assert.match(rateLimited('reads', 'x', 1, 1).message, /Try again in 1 second\.$/);
  });
});
