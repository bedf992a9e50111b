import { expect } from '@open-wc/testing';
import {
  estimateRender,
  PROGRESS_CAP,
  quantile,
  typicalDuration,
} from '../../src/element/render-estimate.js';
import { recentDurationsOf } from '../../src/element/wire-guards.js';

describe('quantile', () => {
  const sorted = [10, 20, 30, 40];
  const cases: Array<[number, number]> = [
    [0, 10],
    [0.25, 17.5],
    [0.5, 25],
    [0.75, 32.5],
    [1, 40],
  ];

  for (const [p, expected] of cases) {
    it(`returns ${expected} for p = ${p}`, () => {
      expect(quantile(sorted, p)).to.equal(expected);
    });
  }

  it('returns the only value of one', () => {
    expect(quantile([7], 0.75)).to.equal(7);
  });
});

describe('typicalDuration', () => {
  it('returns null below three durations', () => {
    expect(typicalDuration([])).to.equal(null);
    expect(typicalDuration([100, 200])).to.equal(null);
  });

  it('returns the quartiles of three', () => {
    expect(typicalDuration([180, 120, 240])).to.deep.equal({ low: 150, median: 180, high: 210 });
  });

  it('keeps one outlier out of the range', () => {
    const typical = typicalDuration([120, 130, 125, 135, 3600, 128, 122])!;

    expect(typical.median).to.equal(128);
    expect(typical.high).to.be.below(200);
  });

  it('leaves the input order alone', () => {
    const durations = [300, 100, 200];
    typicalDuration(durations);

    expect(durations).to.deep.equal([300, 100, 200]);
  });
});

describe('estimateRender', () => {
  const typical = { low: 120, median: 180, high: 240 };

  it('knows nothing without a typical duration', () => {
    expect(estimateRender(30, null)).to.deep.equal({ kind: 'unknown' });
  });

  it('measures elapsed time against the median', () => {
    const estimate = estimateRender(45, typical);

    expect(estimate).to.deep.equal({
      kind: 'typical',
      typical,
      fraction: 0.25,
      remainingSeconds: 135,
    });
  });

  it('holds the fraction at the cap past the median', () => {
    const estimate = estimateRender(200, typical);

    expect(estimate).to.deep.equal({
      kind: 'typical',
      typical,
      fraction: PROGRESS_CAP,
      remainingSeconds: -20,
    });
  });

  it('stays typical at the upper quartile', () => {
    expect(estimateRender(240, typical).kind).to.equal('typical');
  });

  it('turns longer past the upper quartile', () => {
    expect(estimateRender(240.5, typical)).to.deep.equal({ kind: 'longer', typical });
  });

  it('counts negative elapsed time as zero', () => {
    const estimate = estimateRender(-5, typical);

    expect(estimate).to.deep.equal({
      kind: 'typical',
      typical,
      fraction: 0,
      remainingSeconds: 180,
    });
  });

  it('caps a zero median without dividing by it', () => {
    const zero = { low: 0, median: 0, high: 0 };
    const estimate = estimateRender(0, zero);

    expect(estimate).to.deep.equal({
      kind: 'typical',
      typical: zero,
      fraction: PROGRESS_CAP,
      remainingSeconds: 0,
    });
  });
});

describe('recentDurationsOf', () => {
  const cases: Array<[string, unknown, number[]]> = [
    ['a valid array', { recent_durations: [120, 0, 95.5] }, [120, 0, 95.5]],
    ['a missing field', {}, []],
    ['null', { recent_durations: null }, []],
    ['a string', { recent_durations: '120,130' }, []],
    ['an object', { recent_durations: { 0: 120 } }, []],
    ['a string entry', { recent_durations: [120, '130', 140] }, []],
    ['a negative entry', { recent_durations: [120, -1, 140] }, []],
    ['a null entry', { recent_durations: [120, null] }, []],
    ['a body that is not an object', 'oops', []],
  ];

  for (const [name, body, expected] of cases) {
    it(`returns ${JSON.stringify(expected)} for ${name}`, () => {
      expect(recentDurationsOf(body)).to.deep.equal(expected);
    });
  }

  it('rejects infinite entries', () => {
    expect(recentDurationsOf({ recent_durations: [120, Infinity] })).to.deep.equal([]);
  });
});
