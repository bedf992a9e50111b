import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { RETURN_REREAD_MIN_MS } from '../../src/element/status-rereads.js';
import {
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

/** Stubs `document.visibilityState`. The returned `set` changes it and fires `visibilitychange`. */
function stubVisibility(): { set(state: DocumentVisibilityState): void } {
  let state: DocumentVisibilityState = 'visible';
  sinon.stub(document, 'visibilityState').get(() => state);

  return {
    set(next) {
      state = next;
      document.dispatchEvent(new Event('visibilitychange'));
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

describe('connect-refresh-button page updates', () => {
  afterEach(() => sinon.restore());

  it('shows a scheduled render without a click', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);
    expect(part(el, 'time')!.textContent).to.equal('5 minutes ago');

    await clock.tickAsync(59_999);
    expect(gateway.untaken).to.equal(0);
    await clock.tickAsync(1);
    const read = await gateway.next();
    expect(`${read.method} ${read.url}`).to.equal('GET /gw/v1/reports/sales');

    const serverTime = '2026-12-04T12:01:00.000Z';
    const renderedAt = '2026-12-04T12:00:30.000Z';
    read.respond(200, reportStatus({ last_rendered_at: renderedAt, server_time: serverTime }));
    await until(el, () => part(el, 'time')!.textContent === '30 seconds ago');

    expect(part(el, 'time')!.getAttribute('datetime')).to.equal(renderedAt);
    expect(el.status).to.equal('idle');
    expect(events).to.deep.equal([]);
  });

  it('follows a scheduled render to its end', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);

    await clock.tickAsync(60_000);
    const render = { handle: 'render-9', state: 'running' as const, started_at: SERVER_STARTED };
    (await gateway.next()).respond(200, reportStatus({ render }));
    const poll = await gateway.next();

    expect(poll.url).to.equal('/gw/v1/renders/render-9?after=0&wait=20');
    expect(el.status).to.equal('running');
    expect(events).to.deep.equal([{
      type: 'connect-refresh-start',
      detail: {
        report: 'sales',
        handle: 'render-9',
        state: 'running',
        startedAt: SERVER_STARTED,
        lastRenderedAt: '2026-12-04T11:55:00.000Z',
        joined: true,
      },
    }]);

    const renderedAt = '2026-12-04T12:01:10.000Z';
    poll.respond(200, renderProgress({
      handle: 'render-9',
      state: 'succeeded',
      finished_at: renderedAt,
      last_rendered_at: renderedAt,
      server_time: '2026-12-04T12:01:30.000Z',
    }));
    await until(el, () => part(el, 'time')?.getAttribute('datetime') === renderedAt);

    expect(part(el, 'time')!.textContent).to.equal('20 seconds ago');
    expect(el.status).to.equal('succeeded');
    expect(events.map((event) => event.type)).to.deep.equal([
      'connect-refresh-start',
      'connect-refresh-success',
    ]);
    expect(gateway.untaken).to.equal(0);
  });

  it('reads once when the page shows again', async () => {
    const visibility = stubVisibility();
    const mounted = await mount();
    const { gateway, clock } = mounted;
    await loadStatus(mounted);

    visibility.set('hidden');
    await clock.tickAsync(10 * 60_000);
    expect(gateway.untaken).to.equal(0);

    visibility.set('visible');
    await clock.tickAsync(0);
    expect(gateway.untaken).to.equal(1);
    expect((await gateway.next()).url).to.equal('/gw/v1/reports/sales');
    await clock.tickAsync(29_000);
    expect(gateway.untaken).to.equal(0);
  });

  it('reads once for quick returns', async () => {
    const visibility = stubVisibility();
    const mounted = await mount();
    const { gateway, clock } = mounted;
    await loadStatus(mounted);
    await clock.tickAsync(RETURN_REREAD_MIN_MS);
    let reads = 0;

    for (let cycle = 0; cycle < 20; cycle += 1) {
      visibility.set('hidden');
      await clock.tickAsync(100);
      visibility.set('visible');
      await clock.tickAsync(100);

      while (gateway.untaken > 0) {
        const read = await gateway.next();
        reads += 1;
        read.respond(200, reportStatus());
        await read.bodyRead;
        await clock.tickAsync(0);
      }
    }

    expect(reads).to.equal(1);
  });

  it('reads on a return after 5 seconds', async () => {
    const visibility = stubVisibility();
    const mounted = await mount();
    const { gateway, clock } = mounted;
    await loadStatus(mounted);

    await clock.tickAsync(RETURN_REREAD_MIN_MS - 1);
    visibility.set('hidden');
    visibility.set('visible');
    await clock.tickAsync(0);
    expect(gateway.untaken, 'reads just under the minimum').to.equal(0);

    await clock.tickAsync(1);
    visibility.set('hidden');
    visibility.set('visible');
    await clock.tickAsync(0);
    expect(gateway.untaken).to.equal(1);
    expect((await gateway.next()).url).to.equal('/gw/v1/reports/sales');
  });

  it('holds render polls while hidden', async () => {
    const visibility = stubVisibility();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const poll = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ output: ['a', 'b'], next: 2 }));
    await poll.bodyRead;
    await clock.tickAsync(10 * 60_000);
    expect(gateway.untaken).to.equal(0);
    expect(el.status).to.equal('running');

    visibility.set('visible');
    await clock.tickAsync(0);
    expect(gateway.untaken).to.equal(1);
    const next = await gateway.next();
    expect(next.url).to.equal('/gw/v1/renders/render-1?after=2&wait=20');
    next.respond(200, renderProgress({ state: 'succeeded', next: 2 }));
    await untilStatus(el, 'succeeded');
    expect(gateway.untaken).to.equal(0);
  });

  it('defers the outage read while hidden', async () => {
    const visibility = stubVisibility();
    const { el, gateway, clock } = await mount();
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');

    visibility.set('hidden');
    await clock.tickAsync(10 * 60_000);
    expect(gateway.untaken).to.equal(0);

    visibility.set('visible');
    await clock.tickAsync(0);
    expect(gateway.untaken).to.equal(1);
    (await gateway.next()).respond(200, reportStatus());
    await untilStatus(el, 'idle');
    await clock.tickAsync(59_000);
    expect(gateway.untaken).to.equal(0);
  });

  it('waits for the page to show before the first read', async () => {
    const visibility = stubVisibility();
    visibility.set('hidden');
    const { el, gateway, clock } = await mount();
    await clock.tickAsync(10 * 60_000);
    expect(gateway.requests).to.have.length(0);

    visibility.set('visible');
    await clock.tickAsync(0);
    expect(gateway.requests).to.have.length(1);
    (await gateway.next()).respond(200, reportStatus());
    await until(el, () => part(el, 'time') !== null);
  });
});

const SERVER_STARTED = '2026-12-04T11:59:40.000Z';
