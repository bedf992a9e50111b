import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import { ANNOUNCEMENT_GAP_MS } from '../../src/element/live-announcer.js';
import {
  announcement,
  button,
  loadStatus,
  type Mounted,
  mount,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  until,
  untilStatus,
} from './helpers.js';

const FINISHED_AT = '2026-12-04T12:00:30.000Z';

/** Ten minutes, far beyond the longest backoff step. */
const LONG_WAIT_MS = 10 * 60_000;

/** Stubs `navigator.onLine`. The returned `set` changes it and fires `online` or `offline`. */
function stubNetwork(): { set(online: boolean): void } {
  let current = true;
  sinon.stub(navigator, 'onLine').get(() => current);

  return {
    set(online) {
      current = online;
      window.dispatchEvent(new Event(online ? 'online' : 'offline'));
    },
  };
}

/** Clicks the button, accepts the refresh and returns the first render poll. */
async function startFollowing(mounted: Mounted) {
  await loadStatus(mounted);
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());

  return mounted.gateway.next();
}

describe('connect-refresh-button offline', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  it('stops polling while offline', async () => {
    const network = stubNetwork();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const poll = await startFollowing(mounted);
    const events = recordEvents(el);

    network.set(false);
    await el.updateComplete;

    expect(poll.signal.aborted).to.equal(true);
    expect(el.status).to.equal('unavailable');
    expect(part(el, 'message')!.textContent).to.include('You are offline.');
    await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await el.updateComplete;
    expect(announcement(el)).to.include('You are offline.');
    expect(events).to.have.length(1);
    expect(events[0]!.type).to.equal('connect-refresh-error');
    expect(events[0]!.detail).to.include({ code: 'offline', handle: 'render-1' });

    await clock.tickAsync(LONG_WAIT_MS);
    expect(gateway.untaken).to.equal(0);
  });

  it('shows offline once per outage', async () => {
    const network = stubNetwork();
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);

    network.set(false);
    network.set(false);
    el.remove();
    document.body.append(el);
    await el.updateComplete;

    expect(el.status).to.equal('unavailable');
    expect(events).to.have.length(1);
    expect(mounted.gateway.untaken).to.equal(0);
  });

  it('reads once when back online', async () => {
    const network = stubNetwork();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    network.set(false);
    await clock.tickAsync(LONG_WAIT_MS);

    network.set(true);
    await clock.tickAsync(0);
    expect(gateway.untaken).to.equal(1);
    const read = await gateway.next();
    expect(`${read.method} ${read.url}`).to.equal('GET /gw/v1/reports/sales');
    read.respond(200, reportStatus());
    await untilStatus(el, 'idle');
    await el.updateComplete;

    expect(part(el, 'message')).to.equal(null);
    expect(announcement(el)).to.equal('The report can be refreshed again.');
    network.set(true);
    await clock.tickAsync(59_000);
    expect(gateway.untaken).to.equal(0);
  });

  it('resumes a render when back online', async () => {
    const network = stubNetwork();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await startFollowing(mounted);
    network.set(false);

    network.set(true);
    await clock.tickAsync(0);
    const render = { handle: 'render-1', state: 'running' as const, started_at: STARTED_AT };
    (await gateway.next()).respond(200, reportStatus({ render }));
    const poll = await gateway.next();

    expect(poll.url).to.equal('/gw/v1/renders/render-1?after=0&wait=0');
    poll.respond(200, renderProgress());
    await untilStatus(el, 'running');
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-1?after=0&wait=20');
  });

  it('shows a render that ended while offline', async () => {
    const network = stubNetwork();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-9' }));
    await gateway.next();
    network.set(false);
    const events = recordEvents(el);

    network.set(true);
    await clock.tickAsync(0);
    (await gateway.next()).respond(200, reportStatus({ last_rendered_at: FINISHED_AT }));
    const poll = await gateway.next();
    expect(poll.url).to.equal('/gw/v1/renders/render-9?after=0&wait=0');
    poll.respond(200, renderProgress({
      handle: 'render-9',
      state: 'succeeded',
      finished_at: FINISHED_AT,
      last_rendered_at: FINISHED_AT,
    }));
    await untilStatus(el, 'succeeded');

    const successes = events.filter((event) => event.type === 'connect-refresh-success');
    expect(successes).to.have.length(1);
    expect(successes[0]!.detail).to.include({ handle: 'render-9', lastRenderedAt: FINISHED_AT });
  });

  it('sends nothing when it starts offline', async () => {
    const network = stubNetwork();
    network.set(false);
    const { el, gateway, clock } = await mount();
    await el.updateComplete;

    expect(el.status).to.equal('unavailable');
    button(el).click();
    await clock.tickAsync(LONG_WAIT_MS);
    expect(gateway.requests).to.have.length(0);

    network.set(true);
    (await gateway.next()).respond(200, reportStatus());
    await until(el, () => part(el, 'time') !== null);
    expect(el.status).to.equal('idle');
  });

  it('drops a poll retry when offline', async () => {
    const network = stubNetwork();
    const mounted = await mount();
    const { gateway, clock } = mounted;
    const poll = await startFollowing(mounted);
    poll.failNetwork();
    await clock.tickAsync(0);

    network.set(false);
    await clock.tickAsync(LONG_WAIT_MS);
    expect(gateway.untaken).to.equal(0);
  });

  it('drops the outage backoff when offline', async () => {
    const network = stubNetwork();
    const { el, gateway, clock } = await mount();
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');

    network.set(false);
    await clock.tickAsync(LONG_WAIT_MS);
    expect(gateway.untaken).to.equal(0);
    expect(el.status).to.equal('unavailable');
  });

  it('reads once per report when back online', async () => {
    const network = stubNetwork();
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const { el: page, gateway, clock } = mounted;
    (await gateway.next()).respond(200, reportStatus());
    const [first, second] = [...page.querySelectorAll('connect-refresh-button')];
    await until(second!, () => part(second!, 'time') !== null);

    network.set(false);
    network.set(true);
    await clock.tickAsync(0);

    expect(gateway.requests).to.have.length(2);
    expect(first!.status).to.equal('unavailable');
  });
});

const STARTED_AT = '2026-12-04T11:59:00.000Z';
