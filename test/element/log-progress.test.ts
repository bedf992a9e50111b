import { expect } from '@open-wc/testing';
import { latestLogProgress, logFraction } from '../../src/element/log-progress.js';
import {
  KNITR_1_41_LINES,
  KNITR_1_42_STDERR,
  KNITR_1_42_STDOUT,
  KNITR_COUNTER_LINES,
  QUARTO_JUPYTER_LINES,
} from './fixtures/render-logs.js';

describe('latestLogProgress', () => {
  it('reads the last bar of the captured knitr 1.42 line', () => {
    expect(latestLogProgress(KNITR_1_42_STDOUT)).to.deep.equal({ kind: 'percent', percent: 100 });
  });

  it('reads each drawing of the captured knitr 1.42 bar', () => {
    const drawings = KNITR_1_42_STDOUT[0]!.split('\r');
    const percents = drawings
      .map((drawing) => latestLogProgress([drawing]))
      .filter((progress) => progress !== null)
      .map((progress) => progress.kind === 'percent' && progress.percent);

    expect(percents).to.deep.equal([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('finds nothing in the captured knitr 1.42 messages', () => {
    expect(latestLogProgress(KNITR_1_42_STDERR)).to.equal(null);
  });

  it('reads knitr 1.41 bars line by line', () => {
    expect(latestLogProgress(KNITR_1_41_LINES.slice(0, 2))).to.deep.equal({
      kind: 'percent',
      percent: 10,
    });
    expect(latestLogProgress(KNITR_1_41_LINES)).to.deep.equal({ kind: 'percent', percent: 40 });
  });

  it('reads knitr counters with and without labels', () => {
    expect(latestLogProgress(KNITR_COUNTER_LINES)).to.deep.equal({
      kind: 'chunk',
      step: 4,
      total: 10,
    });
    expect(latestLogProgress(KNITR_COUNTER_LINES.slice(0, 4))).to.deep.equal({
      kind: 'chunk',
      step: 3,
      total: 10,
    });
  });

  it('reads finished Quarto cells', () => {
    expect(latestLogProgress(QUARTO_JUPYTER_LINES)).to.deep.equal({
      kind: 'cell',
      done: 3,
      total: 4,
    });
  });

  it('counts an unfinished Quarto cell as not run', () => {
    expect(latestLogProgress(["  Cell 2/4: 'load-data'...."])).to.deep.equal({
      kind: 'cell',
      done: 1,
      total: 4,
    });
  });

  it('skips later lines without progress', () => {
    const lines = [...KNITR_1_41_LINES, 'output file: report.knit.md', 'Output created: x.html'];

    expect(latestLogProgress(lines)).to.deep.equal({ kind: 'percent', percent: 40 });
  });

  const ignored = [
    'Output created: report.html',
    '  |....|  140%',
    '|====      |  40%',
    '0/10',
    '11/10 [late]',
    '3/0',
    'ratio 2/7 of rows',
    '  Cell 5/4: \'x\'...Done',
    '',
  ];

  for (const line of ignored) {
    it(`ignores ${JSON.stringify(line)}`, () => {
      expect(latestLogProgress([line])).to.equal(null);
    });
  }

  it('returns null for no lines', () => {
    expect(latestLogProgress([])).to.equal(null);
  });
});

describe('logFraction', () => {
  it('divides each kind of progress', () => {
    expect(logFraction({ kind: 'percent', percent: 40 })).to.equal(0.4);
    expect(logFraction({ kind: 'chunk', step: 2, total: 8 })).to.equal(0.25);
    expect(logFraction({ kind: 'cell', done: 0, total: 4 })).to.equal(0);
  });
});
