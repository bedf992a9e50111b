import { expect } from '@open-wc/testing';
import {
  estimateRender,
  MEDIAN_FRACTION,
  PROGRESS_CAP,
  progressFraction,
  quantile,
  typicalDuration,
} from '../../src/element/render-estimate.js';
import {
  MAX_RECENT_DURATIONS,
  MAX_RENDER_SECONDS,
  recentDurationsOf,
} from '../../src/element/wire-guards.js';

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
      fraction: MEDIAN_FRACTION * 0.25,
      remainingSeconds: 135,
    });
  });

  it('passes the median below the cap', () => {
    const estimate = estimateRender(200, typical);

    expect(estimate.kind).to.equal('typical');

    if (estimate.kind !== 'typical') {
      return;
    }

    expect(estimate.remainingSeconds).to.equal(-20);
    expect(estimate.fraction).to.be.above(MEDIAN_FRACTION);
    expect(estimate.fraction).to.be.below(PROGRESS_CAP);
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

  it('handles a zero median without dividing by it', () => {
    const zero = { low: 0, median: 0, high: 0 };
    const estimate = estimateRender(0, zero);

    expect(estimate).to.deep.equal({
      kind: 'typical',
      typical: zero,
      fraction: MEDIAN_FRACTION,
      remainingSeconds: 0,
    });
  });
});

describe('progressFraction', () => {
  const typical = { low: 120, median: 180, high: 240 };

  const cases: Array<[number, number]> = [
    [0, 0],
    [90, MEDIAN_FRACTION / 2],
    [180, MEDIAN_FRACTION],
    [210, MEDIAN_FRACTION + (PROGRESS_CAP - MEDIAN_FRACTION) * 0.75],
    [240, PROGRESS_CAP],
  ];

  for (const [elapsed, expected] of cases) {
    it(`returns ${expected.toFixed(4)} at ${elapsed} s`, () => {
      expect(progressFraction(elapsed, typical)).to.be.closeTo(expected, 1e-9);
    });
  }

  it('keeps rising up to the upper quartile', () => {
    let previous = -1;

    for (let elapsed = 0; elapsed <= typical.high; elapsed += 5) {
      const fraction = progressFraction(elapsed, typical);

      expect(fraction, `at ${elapsed} s`).to.be.above(previous);
      expect(fraction, `at ${elapsed} s`).to.be.at.most(PROGRESS_CAP);
      previous = fraction;
    }
  });

  it('stops at the median when the quartile equals it', () => {
    const flat = { low: 180, median: 180, high: 180 };

    expect(progressFraction(180, flat)).to.equal(MEDIAN_FRACTION);
  });
});

describe('recentDurationsOf', () => {
  const cases: Array<[string, unknown, number[]]> = [
    ['a valid array', { recent_durations: [120, 0, 95.5] }, [120, 0, 95.5]],
    ['a missing field', {}, []],
    ['null', { recent_durations: null }, []],
    ['a string', { recent_durations: '120,130' }, []],
    ['an object', { recent_durations: { 0: 120 } }, []],
    ['a string entry', { recent_durations: [120, '130', 140] }, [120, 140]],
    ['a negative entry', { recent_durations: [120, -1, 140] }, [120, 140]],
    ['a null entry', { recent_durations: [120, null] }, [120]],
    ['an infinite entry', { recent_durations: [120, Infinity] }, [120]],
    ['a NaN entry', { recent_durations: [Number.NaN, 120] }, [120]],
    ['years of seconds', { recent_durations: [1e9, 2e9, 3e9] }, []],
    ['a body that is not an object', 'oops', []],
  ];

  for (const [name, body, expected] of cases) {
    it(`returns ${JSON.stringify(expected)} for ${name}`, () => {
      expect(recentDurationsOf(body)).to.deep.equal(expected);
    });
  }

  it('keeps a render of 7 days', () => {
    const durations = [120, MAX_RENDER_SECONDS, MAX_RENDER_SECONDS + 1];

    expect(recentDurationsOf({ recent_durations: durations })).to.deep.equal([
      120,
      MAX_RENDER_SECONDS,
    ]);
  });

  it('keeps the first ten of many', () => {
    const durations = Array.from({ length: 5000 }, (_, index) => index + 1);
    const kept = recentDurationsOf({ recent_durations: durations });

    expect(MAX_RECENT_DURATIONS).to.equal(10);
    expect(kept).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
