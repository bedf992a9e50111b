import { expect } from '@open-wc/testing';
import {
  logProgressText,
  timeLeftText,
  typicalRangeText,
} from '../../src/element/progress-messages.js';
import { en } from '../../src/element/messages-en.js';

describe('typicalRangeText', () => {
  const cases: Array<[number, number, string]> = [
    [20, 40, 'usually 20–40 sec'],
    [30.4, 89, 'usually 30–89 sec'],
    [60, 90, 'usually 1–2 min'],
    [100, 230, 'usually 2–4 min'],
    [150, 170, 'usually 3 min'],
    [10, 95, 'usually 1–2 min'],
    [3000, 4200, 'usually 50–70 min'],
  ];

  for (const [low, high, expected] of cases) {
    it(`formats ${low}–${high} s as "${expected}"`, () => {
      expect(typicalRangeText(en, 'en', low, high)).to.equal(expected);
    });
  }

  it('formats units in the locale', () => {
    expect(typicalRangeText(en, 'de', 100, 230)).to.equal('usually 2–4 Min.');
  });
});

describe('timeLeftText', () => {
  const cases: Array<[number, string]> = [
    [600, 'About 10 minutes left'],
    [135, 'About 2 minutes left'],
    [89, 'About 1 minute left'],
    [45, 'About 1 minute left'],
    [44, 'Less than a minute left'],
    [0.5, 'Less than a minute left'],
    [0, 'Should finish soon'],
    [-20, 'Should finish soon'],
  ];

  for (const [remaining, expected] of cases) {
    it(`formats ${remaining} s as "${expected}"`, () => {
      expect(timeLeftText(en, 'en', remaining)).to.equal(expected);
    });
  }
});

describe('logProgressText', () => {
  it('describes each kind of log progress', () => {
    expect(logProgressText(en, 'en', { kind: 'percent', percent: 40 }))
      .to.equal('40% of chunks started');
    expect(logProgressText(en, 'en', { kind: 'chunk', step: 2, total: 7 }))
      .to.equal('Running chunk 2 of 7');
    expect(logProgressText(en, 'en', { kind: 'cell', done: 3, total: 5 }))
      .to.equal('3 of 5 cells run');
  });
});
