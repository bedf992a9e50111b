import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { renderStorageKey } from '../../src/element/render-memory.js';
import {
  button,
  errorBody,
  loadStatus,
  mount,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  untilStatus,
} from './helpers.js';

const KEY = renderStorageKey('/gw', 'sales');
const STORED = JSON.stringify({ handle: 'render-7', started_at: '2026-12-04T11:59:00.000Z' });

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
    const { el, gateway } = await mount(undefined, { session: { [KEY]: STORED } });
    const events = recordEvents(el);
    const poll = await gateway.next();

    expect(poll.url).to.equal('/gw/v1/renders/render-7?after=0&wait=20');
    poll.respond(200, renderProgress({ handle: 'render-7', output: ['a'], next: 1 }));
    await untilStatus(el, 'running');
    expect(events[0]).to.deep.equal({
      type: 'connect-refresh-start',
      detail: {
        report: 'sales',
        handle: 'render-7',
        state: 'running',
        startedAt: '2026-12-04T11:59:00.000Z',
        // The stored handle is polled before any status read, so no render time is known yet.
        lastRenderedAt: null,
        joined: true,
      },
    });

    const next = await gateway.next();
    expect(next.url).to.equal('/gw/v1/renders/render-7?after=1&wait=20');
    next.respond(200, renderProgress({ handle: 'render-7', state: 'succeeded', next: 1 }));
    await untilStatus(el, 'succeeded');

    expect(sessionStorage.getItem(KEY)).to.equal(null);
    expect(gateway.requests).to.have.length(2);
  });

  it('reads the status for an unknown handle', async () => {
    const { el, gateway } = await mount(undefined, { session: { [KEY]: STORED } });
    const events = recordEvents(el);
    const poll = await gateway.next();
    poll.respond(404, errorBody('unknown_render', 'No render with this handle.'));

    const read = await gateway.next();
    expect(read.url).to.equal('/gw/v1/reports/sales');
    expect(sessionStorage.getItem(KEY)).to.equal(null);
    read.respond(200, reportStatus());
    await untilStatus(el, 'idle');
    expect(events).to.deep.equal([]);
  });

  it('reads the status for a damaged entry', async () => {
    const { gateway } = await mount(undefined, { session: { [KEY]: '{"handle": 7}' } });

    expect((await gateway.next()).url).to.equal('/gw/v1/reports/sales');
    expect(sessionStorage.getItem(KEY)).to.equal(null);
  });
});
