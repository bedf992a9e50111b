import { expect } from '@open-wc/testing';
import { MAX_TIMER_DELAY_MS, parseRetryAfter } from '../../src/element/retry-after.js';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');

describe('parseRetryAfter', () => {
  for (const [value, expected] of [
    ['240', 240_000],
    [' 0 ', 0],
    ['Fri, 04 Dec 2026 12:01:30 GMT', 90_000],
    ['Fri, 04 Dec 2026 11:59:00 GMT', 0],
    [null, null],
    ['', null],
    ['-5', null],
    ['1.5', null],
    ['soon', null],
    ['December 4, 2026', null],
  ] as Array<[string | null, number | null]>) {
    it(`parses ${JSON.stringify(value)} as ${expected}`, () => {
      expect(parseRetryAfter(value, NOW)).to.equal(expected);
    });
  }

  it('caps a wait at the longest timer delay', () => {
    expect(parseRetryAfter('99999999999', NOW)).to.equal(MAX_TIMER_DELAY_MS);
    expect(parseRetryAfter('Sat, 01 Jan 2100 00:00:00 GMT', NOW)).to.equal(MAX_TIMER_DELAY_MS);
  });
});
