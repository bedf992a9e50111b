import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { renderStorageKey } from '../../src/element/render-memory.js';
import type { RenderSummary } from '../../src/protocol/index.js';
import type { PendingRequest } from './gateway-double.js';
import {
  button,
  FIVE_MINUTES_BEFORE,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  reportStatus,
  text,
  until,
  untilStatus,
} from './helpers.js';

/** Quartiles 150, 180 and 210 s, which the estimate shows as "usually 3–4 min". */
const DURATIONS = [240, 120, 180];

const RUNNING: RenderSummary = {
  handle: 'render-7',
  state: 'running',
  started_at: '2026-12-04T11:59:00.000Z',
};

const threeElements = html`
  <div>
    <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
    <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
    <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
  </div>
`;

function elementsOf(mounted: Mounted): ConnectRefreshButton[] {
  return [...mounted.el.querySelectorAll('connect-refresh-button')];
}

/** Takes the next request whose URL starts with `prefix`, skipping none: it must come next. */
async function nextTo(mounted: Mounted, prefix: string): Promise<PendingRequest> {
  const request = await mounted.gateway.next();
  expect(request.url.startsWith(prefix), `${request.url} starts with ${prefix}`).to.equal(true);

  return request;
}

/** Takes the requests sent until the element waits, split into status reads and render polls. */
async function takeSent(
  mounted: Mounted,
): Promise<{ reads: PendingRequest[]; polls: PendingRequest[] }> {
  const sent = [await mounted.gateway.next()];
  await mounted.clock.tickAsync(0);

  while (mounted.gateway.untaken > 0) {
    sent.push(await mounted.gateway.next());
  }

  return {
    reads: sent.filter((request) => request.url.startsWith('/gw/v1/reports/')),
    polls: sent.filter((request) => request.url.startsWith('/gw/v1/renders/')),
  };
}

/**
 * Checks that each element shows the report's title, estimate and last render time while it
 * renders, once the elements settled.
 */
async function expectReportData(mounted: Mounted, elements: ConnectRefreshButton[]): Promise<void> {
  await mounted.clock.tickAsync(0);

  for (const [index, el] of elements.entries()) {
    await el.updateComplete;
    expectElementData(el, `element ${index + 1}`);
  }
}

function expectElementData(el: ConnectRefreshButton, label: string): void {

  expect(el.status, label).to.equal('running');
  expect(part(el, 'progress')?.getAttribute('aria-label'), label)
    .to.equal('Rendering Sales overview');
  expect(part(el, 'estimate')?.textContent?.trim(), label).to.equal('usually 3–4 min');
  expect(part(el, 'time')?.getAttribute('datetime'), label).to.equal(FIVE_MINUTES_BEFORE);
}

describe('connect-refresh-button report data', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  it('shows the data in every element of a key', async () => {
    const mounted = await mount(threeElements);
    const elements = elementsOf(mounted);
    const read = await nextTo(mounted, '/gw/v1/reports/sales');
    expect(mounted.gateway.untaken).to.equal(0);

    read.respond(200, reportStatus({ render: RUNNING, recent_durations: DURATIONS }));
    await nextTo(mounted, '/gw/v1/renders/render-7');

    await expectReportData(mounted, elements);
  });

  it('keeps the data of a read that a click replaced', async () => {
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const [first, second] = elementsOf(mounted);
    const read = await nextTo(mounted, '/gw/v1/reports/sales');

    button(first!).click();
    (await nextTo(mounted, '/gw/v1/reports/sales/refresh')).respond(202, refreshAccepted());
    await nextTo(mounted, '/gw/v1/renders/render-1');
    await untilStatus(second!, 'running');
    expect(read.signal.aborted, 'the shared read goes on').to.equal(false);

    read.respond(200, reportStatus({ recent_durations: DURATIONS }));

    await read.bodyRead;
    await expectReportData(mounted, [first!, second!]);
  });

  it('drops the data of a read for an old report', async () => {
    // The old read's response arrives although the element stopped waiting for it.
    const mounted = await mount(undefined, { rejectOnAbort: false });
    const { el } = mounted;
    const read = await nextTo(mounted, '/gw/v1/reports/sales');

    el.report = 'costs';
    const costs = await nextTo(mounted, '/gw/v1/reports/costs');
    expect(read.signal.aborted).to.equal(true);
    read.respond(200, reportStatus({ recent_durations: DURATIONS }));
    await read.bodyRead;
    costs.respond(200, reportStatus({ name: 'costs', title: 'Costs', last_rendered_at: null }));
    await until(el, () => text(el).includes('Not rendered yet'));

    expect(el.status).to.equal('idle');
    expect(part(el, 'time')).to.equal(null);
  });

  it('reads the status alongside a stored render', async () => {
    const key = renderStorageKey('/gw', 'sales');
    const stored = JSON.stringify({ handle: RUNNING.handle, started_at: RUNNING.started_at });
    const mounted = await mount(threeElements, { session: { [key]: stored } });
    const elements = elementsOf(mounted);
    const { reads, polls } = await takeSent(mounted);

    expect(reads.map((request) => request.url)).to.deep.equal(['/gw/v1/reports/sales']);
    expect(polls.map((request) => request.url))
      .to.deep.equal(['/gw/v1/renders/render-7?after=0&wait=0']);
    polls[0]!.respond(200, renderProgress({ handle: 'render-7', started_at: RUNNING.started_at }));
    await nextTo(mounted, '/gw/v1/renders/render-7?after=0');
    reads[0]!.respond(200, reportStatus({ render: RUNNING, recent_durations: DURATIONS }));
    await reads[0]!.bodyRead;

    await expectReportData(mounted, elements);

    expect(mounted.gateway.untaken).to.equal(0);
  });
});
