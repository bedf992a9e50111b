import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { appendLog, MAX_LOG_LINES, terminalLine } from '../../src/element/refresh-view.js';
import {
  button,
  loadStatus,
  mount,
  part,
  refreshAccepted,
  renderProgress,
} from './helpers.js';

/** A knitr progress bar that redraws itself twice within one log line. */
const KNITR_BAR = '  |          |   0%\r  |.....     |  50%\r  |..........| 100%   \r';

describe('terminalLine', () => {
  const cases: Array<[string, string]> = [
    ['plain text', 'plain text'],
    ['trailing spaces   ', 'trailing spaces'],
    ['old\rnew', 'new'],
    ['old\rnew\r', 'new'],
    ['old\rnew\r\r', 'new'],
    ['first\rsecond\rthird  ', 'third'],
    ['\r', ''],
    ['', ''],
    ['  indented', '  indented'],
    [KNITR_BAR, '  |..........| 100%'],
  ];

  for (const [line, expected] of cases) {
    it(`shows ${JSON.stringify(line)} as ${JSON.stringify(expected)}`, () => {
      expect(terminalLine(line)).to.equal(expected);
    });
  }
});

describe('appendLog', () => {
  it('cleans each appended line', () => {
    const log = appendLog(['kept'], ['a\rb', 'c  ']);

    expect(log).to.deep.equal(['kept', 'b', 'c']);
  });

  it('keeps the latest lines', () => {
    const lines = Array.from({ length: MAX_LOG_LINES + 2 }, (_, index) => `line ${index}`);
    const log = appendLog([], lines);

    expect(log).to.have.length(MAX_LOG_LINES);
    expect(log[0]).to.equal('line 2');
  });
});

describe('connect-refresh-button render log', () => {
  afterEach(() => sinon.restore());

  it('shows a redrawn progress bar once', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    const output = ['processing file: report.Rmd', KNITR_BAR, 'output file: report.knit.md'];
    (await gateway.next()).respond(200, renderProgress({ output, next: 3 }));
    await gateway.next();
    await el.updateComplete;

    const pre = part(el, 'log')!.querySelector('pre')!;
    expect(pre.textContent).to.equal(
      'processing file: report.Rmd\n  |..........| 100%\noutput file: report.knit.md');
    expect(pre.textContent).to.not.include('\r');
  });
});
