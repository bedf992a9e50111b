import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { renderStorageKey } from '../../src/element/render-memory.js';
import type { RenderSummary } from '../../src/protocol/index.js';
import type { PendingRequest } from './gateway-double.js';
import {
  button,
  errorBody,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  until,
  untilStatus,
} from './helpers.js';

const KEY = renderStorageKey('/gw', 'sales');
const STARTED_AT = '2026-12-04T11:59:00.000Z';
const STORED = JSON.stringify({ handle: 'render-7', started_at: STARTED_AT });
const RUNNING: RenderSummary = { handle: 'render-7', state: 'running', started_at: STARTED_AT };

/**
 * Takes the first two requests after a reload with a stored render: its poll and the status
 * read alongside, in whichever order the element sent them.
 */
async function takeFirstRequests(
  mounted: Mounted,
): Promise<{ poll: PendingRequest; read: PendingRequest }> {
  const first = await mounted.gateway.next();
  const second = await mounted.gateway.next();
  const [poll, read] = first.url.startsWith('/gw/v1/renders/') ? [first, second] : [second, first];

  expect(poll.url).to.equal('/gw/v1/renders/render-7?after=0&wait=0');
  expect(read.url).to.equal('/gw/v1/reports/sales');

  return { poll, read };
}

describe('connect-refresh-button resume after reload', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  it('stores the followed handle until the end', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-3' }));
    const poll = await gateway.next();

    expect(JSON.parse(sessionStorage.getItem(KEY)!)).to.deep.equal({
      handle: 'render-3',
      started_at: '2026-12-04T12:00:00.000Z',
    });
    poll.respond(200, renderProgress({ handle: 'render-3', state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    expect(sessionStorage.getItem(KEY)).to.equal(null);
  });

  it('polls a stored handle on connect', async () => {
    const mounted = await mount(undefined, { session: { [KEY]: STORED } });
    const { el, gateway } = mounted;
    const events = recordEvents(el);
    const { poll, read } = await takeFirstRequests(mounted);

    read.respond(200, reportStatus({ render: RUNNING }));
    poll.respond(200, renderProgress({ handle: 'render-7', output: ['a'], next: 1 }));
    await untilStatus(el, 'running');
    expect(events[0]).to.deep.equal({
      type: 'connect-refresh-start',
      detail: {
        report: 'sales',
        handle: 'render-7',
        state: 'running',
        startedAt: '2026-12-04T11:59:00.000Z',
        // The status read alongside the poll got its response first, so its render time is known.
        lastRenderedAt: FIVE_MINUTES_BEFORE,
        joined: true,
      },
    });

    const next = await gateway.next();
    expect(next.url).to.equal('/gw/v1/renders/render-7?after=1&wait=20');
    next.respond(200, renderProgress({ handle: 'render-7', state: 'succeeded', next: 1 }));
    await untilStatus(el, 'succeeded');

    expect(sessionStorage.getItem(KEY)).to.equal(null);
    expect(gateway.requests).to.have.length(3);
  });

  it('requests no hold on the first poll', async () => {
    const mounted = await mount(undefined, { session: { [KEY]: STORED } });
    const { el, gateway, clock } = mounted;
    const events = recordEvents(el);
    // takeFirstRequests checks that the confirming poll requests wait=0.
    const { poll, read } = await takeFirstRequests(mounted);
    read.respond(200, reportStatus({ render: RUNNING }));
    await read.bodyRead;
    await clock.tickAsync(0);
    expect(events, 'nothing shows before the poll confirms the handle').to.deep.equal([]);

    // A render without log lines: the gateway responds to wait=0 at once with no new lines.
    poll.respond(200, renderProgress({ handle: 'render-7', next: 0 }));
    await untilStatus(el, 'running');
    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-start']);

    const next = await gateway.next();
    expect(next.url).to.equal('/gw/v1/renders/render-7?after=0&wait=20');
  });

  for (const readFirst of [false, true]) {
    it(`reads the status for an unknown handle${readFirst ? ' after the read' : ''}`, async () => {
      const mounted = await mount(undefined, { session: { [KEY]: STORED } });
      const { el, gateway, clock } = mounted;
      const events = recordEvents(el);
      const { poll, read } = await takeFirstRequests(mounted);

      if (readFirst) {
        read.respond(200, reportStatus());
        await read.bodyRead;
      }

      poll.respond(404, errorBody('unknown_render', 'No render with this handle.'));
      await poll.bodyRead;
      await clock.tickAsync(0);

      expect(sessionStorage.getItem(KEY)).to.equal(null);
      expect(gateway.untaken, 'the first read serves both').to.equal(0);

      if (!readFirst) {
        read.respond(200, reportStatus());
      }

      await until(el, () => part(el, 'time') !== null);
      expect(el.status).to.equal('idle');
      expect(events).to.deep.equal([]);
    });
  }

  it('reads the status for a damaged entry', async () => {
    const { gateway } = await mount(undefined, { session: { [KEY]: '{"handle": 7}' } });

    expect((await gateway.next()).url).to.equal('/gw/v1/reports/sales');
    expect(sessionStorage.getItem(KEY)).to.equal(null);
  });

  it('shows an outage on the first poll', async () => {
    sinon.stub(Math, 'random').returns(1);
    const mounted = await mount(undefined, { session: { [KEY]: STORED } });
    const { el, gateway, clock } = mounted;
    const events = recordEvents(el);
    const { poll, read } = await takeFirstRequests(mounted);

    poll.respond(503, errorBody('connect_unavailable', 'Connect is down.'));
    read.respond(503, errorBody('connect_unavailable', 'Connect is down.'));
    await poll.bodyRead;
    await read.bodyRead;
    await clock.tickAsync(0);
    await el.updateComplete;

    expect(el.status).to.equal('failed');
    expect(part(el, 'message')?.textContent).to.include('unavailable right now');
    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-error']);
    expect(gateway.untaken).to.equal(0);

    await clock.tickAsync(4999);
    expect(gateway.untaken, 'requests before the first backoff step').to.equal(0);
    await clock.tickAsync(1);
    const reread = await gateway.next();
    expect(reread.url).to.equal('/gw/v1/reports/sales');
    reread.respond(200, reportStatus({ render: RUNNING }));
    const next = await gateway.next();

    expect(next.url).to.equal('/gw/v1/renders/render-7?after=0&wait=20');
    expect(el.status).to.equal('running');
    expect(events.map((event) => event.type)).to.deep.equal([
      'connect-refresh-error',
      'connect-refresh-start',
    ]);
  });

  it('keeps retrying a poll it showed', async () => {
    const mounted = await mount(undefined, { session: { [KEY]: STORED } });
    const { el, gateway, clock } = mounted;
    const { poll, read } = await takeFirstRequests(mounted);
    read.respond(200, reportStatus({ render: RUNNING }));
    poll.respond(200, renderProgress({ handle: 'render-7', output: ['a'], next: 1 }));
    await untilStatus(el, 'running');

    (await gateway.next()).respond(503, errorBody('connect_unavailable', 'Connect is down.'));
    await clock.tickAsync(10_000);
    const retry = await gateway.next();

    expect(retry.url).to.equal('/gw/v1/renders/render-7?after=1&wait=0');
    expect(el.status).to.equal('running');
  });
});
