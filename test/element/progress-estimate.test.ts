import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { RenderSummary, ReportStatus } from '../../src/protocol/index.js';
import type { PendingRequest } from './gateway-double.js';
import { KNITR_1_41_LINES, KNITR_1_42_STDOUT } from './fixtures/render-logs.js';
import {
  mount,
  type Mounted,
  part,
  renderProgress,
  reportStatus,
  SERVER_NOW,
  text,
  until,
} from './helpers.js';

/** Quartiles 150, 180 and 210 s: "usually 3–4 min", and slow past 3:30. */
const DURATIONS = [240, 120, 180];

/** Returns the gateway's time `seconds` before SERVER_NOW, as RFC 3339. */
function secondsBefore(seconds: number): string {
  return new Date(Date.parse(SERVER_NOW) - seconds * 1000).toISOString();
}

/**
 * Mounts the element, responds to its status read with a render that started `elapsedSeconds`
 * before SERVER_NOW, and resolves with its first render poll, still pending, once the progress
 * bar shows.
 */
async function followRunning(
  elapsedSeconds: number,
  overrides: Partial<ReportStatus> | Record<string, unknown> = {},
): Promise<{ mounted: Mounted; poll: PendingRequest }> {
  const mounted = await mount();
  const { el, gateway } = mounted;
  const startedAt = secondsBefore(elapsedSeconds);
  const render: RenderSummary = { handle: 'render-1', state: 'running', started_at: startedAt };
  (await gateway.next()).respond(200, { ...reportStatus({ render }), ...overrides });
  const poll = await gateway.next();
  await until(el, () => part(el, 'progress') !== null);

  return { mounted, poll };
}

/** Responds to `poll` with running progress that carries `output`, then waits for the next poll. */
async function answerPoll(
  { el, gateway }: Mounted,
  poll: PendingRequest,
  output: readonly string[],
): Promise<PendingRequest> {
  const body = renderProgress({ output: [...output], next: output.length, started_at: SERVER_NOW });
  poll.respond(200, body);
  const next = await gateway.next();
  await el.updateComplete;

  return next;
}

/** Returns whether the part shows. A boolean keeps a failed assertion from printing an element. */
function hasPart(el: HTMLElement, name: string): boolean {
  return part(el, name) !== null;
}

function progressBar(el: HTMLElement): HTMLProgressElement {
  return part(el, 'progress') as HTMLProgressElement;
}

describe('connect-refresh-button progress estimate', () => {
  afterEach(() => sinon.restore());

  it('shows elapsed time alone below three durations', async () => {
    const { mounted } = await followRunning(45, { recent_durations: [120, 180] });
    const { el } = mounted;
    const bar = progressBar(el);

    expect(text(el)).to.include('Rendering 0:45');
    expect(hasPart(el, 'estimate')).to.equal(false);
    expect(bar.hasAttribute('value')).to.equal(false);
    expect(bar.hasAttribute('aria-valuetext')).to.equal(false);
    expect(bar.getAttribute('aria-label')).to.equal('Rendering Sales overview');
  });

  it('treats a missing durations field as none', async () => {
    const { mounted } = await followRunning(45, { recent_durations: undefined });
    const { el } = mounted;

    expect(el.status).to.equal('running');
    expect(hasPart(el, 'estimate')).to.equal(false);
    expect(progressBar(el).hasAttribute('value')).to.equal(false);
  });

  it('drops malformed durations', async () => {
    const { mounted } = await followRunning(45, { recent_durations: [120, 'slow', 180, 240] });
    const { el } = mounted;

    expect(el.status).to.equal('running');
    expect(part(el, 'estimate')!.textContent).to.equal('usually 3–4 min');
    expect(progressBar(el).getAttribute('value')).to.equal('23');
  });

  it('ignores durations no render takes', async () => {
    const { mounted } = await followRunning(45, { recent_durations: [1e9, 2e9, 3e9] });
    const { el } = mounted;

    expect(el.status).to.equal('running');
    expect(hasPart(el, 'estimate')).to.equal(false);
    expect(progressBar(el).hasAttribute('value')).to.equal(false);
  });

  it('shows the typical range and time left', async () => {
    const { mounted } = await followRunning(45, { recent_durations: DURATIONS });
    const { el } = mounted;
    const bar = progressBar(el);

    expect(part(el, 'estimate')!.textContent).to.equal('usually 3–4 min');
    expect(bar.getAttribute('max')).to.equal('100');
    expect(bar.getAttribute('value')).to.equal('23');
    expect(bar.getAttribute('aria-valuetext')).to.equal('About 2 minutes left');
  });

  it('advances the bar on the shared clock', async () => {
    const { mounted } = await followRunning(45, { recent_durations: DURATIONS });
    const { el, clock } = mounted;
    const scheduled = sinon.spy(window, 'setTimeout');

    await clock.tickAsync(15_000);

    expect(text(el)).to.include('Rendering 1:00');
    expect(progressBar(el).getAttribute('value')).to.equal('30');
    // One tick per second and no timer of the estimate's own.
    expect(scheduled.callCount).to.equal(15);
  });

  it('eases the bar toward the cap', async () => {
    const { mounted } = await followRunning(170, { recent_durations: DURATIONS });
    const { el, clock } = mounted;

    expect(progressBar(el).getAttribute('value')).to.equal('85');
    expect(progressBar(el).getAttribute('aria-valuetext')).to.equal('Less than a minute left');

    await clock.tickAsync(10_000);
    expect(progressBar(el).getAttribute('value')).to.equal('90');

    await clock.tickAsync(15_000);
    expect(progressBar(el).getAttribute('value')).to.equal('94');
    expect(progressBar(el).getAttribute('aria-valuetext')).to.equal('Should finish soon');

    await clock.tickAsync(15_000);
    expect(progressBar(el).getAttribute('value')).to.equal('95');
    expect(progressBar(el).getAttribute('aria-valuetext')).to.equal('Should finish soon');
    expect(part(el, 'estimate')!.textContent).to.equal('usually 3–4 min');
  });

  it('says when a render takes longer than usual', async () => {
    const { mounted } = await followRunning(200, { recent_durations: DURATIONS });
    const { el, clock } = mounted;

    await clock.tickAsync(10_000);
    expect(part(el, 'estimate')!.textContent).to.equal('usually 3–4 min');

    await clock.tickAsync(1000);
    const bar = progressBar(el);

    expect(part(el, 'estimate')!.textContent).to.equal('taking longer than usual');
    expect(bar.hasAttribute('value')).to.equal(false);
    expect(bar.getAttribute('aria-valuetext')).to.equal('Taking longer than usual');
    expect(text(el)).to.include('Rendering 3:31');
  });

  it('drives the bar from knitr percentages', async () => {
    const { mounted, poll } = await followRunning(0);
    const { el } = mounted;

    const second = await answerPoll(mounted, poll, KNITR_1_41_LINES.slice(0, 5));
    expect(progressBar(el).getAttribute('value')).to.equal('20');
    expect(progressBar(el).getAttribute('aria-valuetext')).to.equal('20% of chunks started');

    await answerPoll(mounted, second, KNITR_1_41_LINES.slice(5));
    expect(progressBar(el).getAttribute('value')).to.equal('40');
    expect(progressBar(el).getAttribute('aria-valuetext')).to.equal('40% of chunks started');
  });

  it('keeps log progress over lines without it', async () => {
    const { mounted, poll } = await followRunning(0);
    const { el } = mounted;

    const second = await answerPoll(mounted, poll, KNITR_1_41_LINES);
    await answerPoll(mounted, second, ['output file: report.knit.md']);

    expect(progressBar(el).getAttribute('value')).to.equal('40');
  });

  it('prefers log progress over durations', async () => {
    const { mounted, poll } = await followRunning(0, { recent_durations: DURATIONS });
    const { el } = mounted;

    await answerPoll(mounted, poll, KNITR_1_41_LINES);

    expect(progressBar(el).getAttribute('value')).to.equal('40');
    expect(part(el, 'estimate')!.textContent).to.equal('usually 3–4 min');
  });

  it('caps a finished knitr bar below 100%', async () => {
    const { mounted, poll } = await followRunning(0);
    const { el } = mounted;

    await answerPoll(mounted, poll, KNITR_1_42_STDOUT);

    expect(progressBar(el).getAttribute('value')).to.equal('95');
    expect(progressBar(el).getAttribute('aria-valuetext')).to.equal('100% of chunks started');
  });

  it('drops the log of an earlier render', async () => {
    const { mounted, poll } = await followRunning(0);
    const { el, gateway, clock } = mounted;
    const output = [...KNITR_1_41_LINES];
    poll.respond(200, renderProgress({ state: 'succeeded', output, next: output.length }));
    await until(el, () => el.status === 'succeeded');
    expect(hasPart(el, 'log')).to.equal(true);

    // The periodic status read finds a render that started elsewhere.
    await clock.tickAsync(60_000);
    const read = await gateway.next();
    const render: RenderSummary = { handle: 'render-2', state: 'running', started_at: SERVER_NOW };
    read.respond(200, reportStatus({ render }));
    await gateway.next();
    await until(el, () => el.status === 'running');

    expect(hasPart(el, 'log')).to.equal(false);
    expect(progressBar(el).hasAttribute('value')).to.equal(false);
  });
});
