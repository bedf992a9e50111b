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
  untilStatus,
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

describe('connect-refresh-button log following', () => {
  afterEach(() => sinon.restore());

  const lines = (from: number, count: number) =>
    Array.from({ length: count }, (_, index) => `line ${from + index}`);

  async function startWithLog(output: string[]) {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ output, next: output.length }));
    const poll = await gateway.next();
    await el.updateComplete;

    return { ...mounted, poll };
  }

  function logBlock(el: HTMLElement) {
    const details = part(el, 'log') as HTMLDetailsElement;

    return { details, pre: details.querySelector('pre')! };
  }

  const atEnd = (pre: HTMLElement) => pre.scrollHeight - pre.scrollTop - pre.clientHeight <= 4;

  it('shows the newest line when opened', async () => {
    const { el } = await startWithLog(lines(0, 40));
    const { details, pre } = logBlock(el);

    details.open = true;
    await new Promise((resolve) => details.addEventListener('toggle', resolve, { once: true }));

    expect(pre.scrollHeight > pre.clientHeight).to.equal(true);
    expect(atEnd(pre)).to.equal(true);
  });

  it('follows new lines at the end', async () => {
    const { el, poll, gateway } = await startWithLog(lines(0, 40));
    const { details, pre } = logBlock(el);
    details.open = true;
    await new Promise((resolve) => details.addEventListener('toggle', resolve, { once: true }));

    poll.respond(200, renderProgress({ output: lines(40, 10), next: 50 }));
    await gateway.next();
    await el.updateComplete;

    expect(pre.textContent!.endsWith('line 49')).to.equal(true);
    expect(atEnd(pre)).to.equal(true);
  });

  it('keeps the place of a reader who scrolled up', async () => {
    const { el, poll, gateway } = await startWithLog(lines(0, 40));
    const { details, pre } = logBlock(el);
    details.open = true;
    await new Promise((resolve) => details.addEventListener('toggle', resolve, { once: true }));
    pre.scrollTop = 0;

    poll.respond(200, renderProgress({ output: lines(40, 10), next: 50 }));
    await gateway.next();
    await el.updateComplete;

    expect(pre.scrollTop).to.equal(0);
  });

  it('opens at the marked error when the render fails', async () => {
    const { el, poll } = await startWithLog(lines(0, 40));
    const failure = ['Quitting from lines 12-14 (report.Rmd)', 'Error in f(): boom', 'Execution halted'];

    poll.respond(200, renderProgress({
      state: 'failed',
      output: failure,
      next: 43,
      finished_at: '2026-12-04T12:00:30.000Z',
      error: 'Rendering exited abnormally: exit status 1',
    }));
    await untilStatus(el, 'failed');
    await el.updateComplete;
    const { details, pre } = logBlock(el);
    const marked = [...pre.querySelectorAll('mark')].map((mark) => mark.textContent);

    expect(details.open).to.equal(true);
    expect(marked).to.deep.equal(failure);
    expect(atEnd(pre)).to.equal(true);
  });
});
