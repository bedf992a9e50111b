import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import {
  button,
  loadStatus,
  mount,
  part,
  refreshAccepted,
  renderProgress,
  reportStatus,
  until,
  untilStatus,
} from './helpers.js';
import { GatewayDouble, type PendingRequest } from './gateway-double.js';
import { sharedWorkCount } from '../../src/element/page-sharing.js';

describe('connect-refresh-button lifecycle', () => {
  afterEach(() => sinon.restore());

  it('aborts the open poll and clears timers on removal', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    const poll = await gateway.next();

    el.remove();
    expect(poll.signal.aborted).to.equal(true);
    expect(clock.countTimers()).to.equal(0);

    await clock.tickAsync(10 * 60_000);
    expect(gateway.requests).to.have.length(3);
  });

  it('aborts the status read on removal', async () => {
    const { el, gateway } = await mount();
    const read = await gateway.next();

    el.remove();
    expect(read.signal.aborted).to.equal(true);
  });

  it('cancels a pending retry on removal', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    const poll = await gateway.next();
    poll.failNetwork();
    await clock.tickAsync(0);

    el.remove();
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(10 * 60_000);
    expect(gateway.requests).to.have.length(3);
  });

  it('cancels the status read after an outage on removal', async () => {
    const { el, gateway, clock } = await mount();
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');
    expect(clock.countTimers()).to.equal(1);

    el.remove();
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(10 * 60_000);
    expect(gateway.requests).to.have.length(1);
  });

  it('aborts the read of an outage recovery on removal', async () => {
    const { el, gateway, clock } = await mount();
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');
    await clock.tickAsync(5000);
    const reread = await gateway.next();

    el.remove();
    expect(reread.signal.aborted).to.equal(true);
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(10 * 60_000);
    expect(gateway.requests).to.have.length(2);
  });

  it('reads at once when re-added during an outage', async () => {
    const { el, gateway, clock } = await mount();
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');
    const parent = el.parentElement!;

    el.remove();
    await clock.tickAsync(10 * 60_000);
    parent.append(el);
    const reread = await gateway.next();
    expect(reread.url).to.equal('/gw/v1/reports/sales');
    reread.respond(200, reportStatus());
    await untilStatus(el, 'idle');
    await clock.tickAsync(59_999);
    expect(gateway.requests).to.have.length(2);
  });

  it('sends nothing when removed before rendering', async () => {
    const gateway = new GatewayDouble();
    const el = document.createElement('connect-refresh-button');
    el.gateway = '/gw';
    el.report = 'sales';
    document.body.append(el);
    el.remove();
    await el.updateComplete;

    expect(gateway.requests).to.have.length(0);
    el.startRefresh();
    expect(gateway.requests).to.have.length(0);
  });

  it('ignores a status response for an old report', async () => {
    const mounted = await mount(undefined, { rejectOnAbort: false });
    const { el, gateway } = mounted;
    const oldRead = await gateway.next();
    el.report = 'costs';
    const newRead = await gateway.next();

    newRead.respond(200, reportStatus({ name: 'costs', last_rendered_at: null }));
    await until(el, () => el.shadowRoot!.textContent!.includes('Not rendered yet'));
    oldRead.respond(200, reportStatus({ last_rendered_at: '2026-12-04T11:55:00.000Z' }));
    await oldRead.bodyRead;
    await el.updateComplete;

    expect(oldRead.signal.aborted).to.equal(true);
    expect(part(el, 'time')).to.equal(null);
    expect(el.status).to.equal('idle');
  });

  it('ignores a late poll response of an old run', async () => {
    const mounted = await mount(undefined, { rejectOnAbort: false });
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    const events: string[] = [];
    el.addEventListener('connect-refresh-success', (event) => events.push(event.type));
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-1' }));
    const oldPoll = await gateway.next();

    el.report = 'costs';
    (await gateway.next()).respond(200, reportStatus({ name: 'costs' }));
    oldPoll.respond(200, renderProgress({ handle: 'render-1', state: 'succeeded' }));
    await oldPoll.bodyRead;
    await clock.tickAsync(0);

    expect(el.status).to.equal('idle');
    expect(events).to.deep.equal([]);
    expect(gateway.untaken).to.equal(0);
  });

  it('keeps one poll through five moves', async () => {
    const mounted = await mount(html`
      <div>
        <section>
          <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        </section>
        <section></section>
      </div>
    `, { rejectOnAbort: false });
    const { el: page, gateway, clock } = mounted;
    const el = page.querySelector('connect-refresh-button')!;
    const [home, away] = [...page.querySelectorAll('section')];
    const answered = new Set<PendingRequest>();
    const answer = (request: PendingRequest, status: number, body: unknown) => {
      answered.add(request);
      request.respond(status, body);
    };
    answer(await gateway.next(), 200, reportStatus());
    await until(el, () => part(el, 'time') !== null);
    const events: string[] = [];
    el.addEventListener('connect-refresh-success', (event) => events.push(event.type));
    button(el).click();
    answer(await gateway.next(), 202, refreshAccepted({ handle: 'render-7' }));
    const polls = [await gateway.next()];
    const render = { handle: 'render-7', state: 'running' as const, started_at: STARTED_AT };

    for (let move = 0; move < 5; move += 1) {
      if (move % 2 === 0) {
        el.remove();
        await clock.tickAsync(1000);
        home!.append(el);
      } else {
        (el.parentElement === home ? away : home)!.append(el);
      }

      const read = await gateway.next();
      expect(read.url, `read after move ${move}`).to.equal('/gw/v1/reports/sales');
      answer(read, 200, reportStatus({ render }));
      polls.push(await gateway.next());
    }

    const newest = polls.at(-1)!;
    const older = polls.slice(0, -1);
    expect(older.map((poll) => poll.signal.aborted)).to.deep.equal([true, true, true, true, true]);
    expect(newest.signal.aborted).to.equal(false);

    answer(newest, 200, renderProgress({ handle: 'render-7', output: ['new line'], next: 1 }));
    await until(el, () => part(el, 'log')?.textContent?.includes('new line') === true);
    const slow = older[0]!;
    answer(slow, 200, renderProgress({ handle: 'render-7', state: 'succeeded', next: 1 }));
    await slow.bodyRead;
    await clock.tickAsync(0);

    expect(el.status).to.equal('running');
    expect(events).to.deep.equal([]);
    const open = gateway.requests.filter((request) => {
      return !request.signal.aborted && !answered.has(request);
    });
    expect(open.map((request) => request.url)).to.deep.equal([
      '/gw/v1/renders/render-7?after=1&wait=20',
    ]);
    expect(sharedWorkCount()).to.equal(1);
    // The timers are the shared clock's tick for the elapsed time and the open poll's timeout.
    expect(clock.countTimers()).to.equal(2);

    el.remove();
    await clock.tickAsync(0);
    expect(open[0]!.signal.aborted).to.equal(true);
    expect(sharedWorkCount()).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });

  it('resumes following after reconnecting', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-5' }));
    const oldPoll = await gateway.next();
    const parent = el.parentElement!;

    el.remove();
    parent.append(el);
    const reread = await gateway.next();
    expect(oldPoll.signal.aborted).to.equal(true);
    expect(reread.url).to.equal('/gw/v1/reports/sales');

    const startedAt = '2026-12-04T11:59:00Z';
    const render = { handle: 'render-5', state: 'running' as const, started_at: startedAt };
    reread.respond(200, reportStatus({ render }));
    const poll = await gateway.next();
    expect(poll.url).to.equal('/gw/v1/renders/render-5?after=0&wait=20');
    poll.respond(200, renderProgress({ handle: 'render-5', state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
  });

  it('shows idle after reconnecting when the render ended', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    await gateway.next();
    const parent = el.parentElement!;

    el.remove();
    parent.append(el);
    (await gateway.next()).respond(200, reportStatus({ last_rendered_at: '2026-12-04T11:59:30Z' }));
    await untilStatus(el, 'idle');
    await el.updateComplete;

    expect(part(el, 'time')!.textContent).to.equal('30 seconds ago');
  });
});

const STARTED_AT = '2026-12-04T11:59:00.000Z';
