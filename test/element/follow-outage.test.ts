import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { ANNOUNCEMENT_GAP_MS } from '../../src/element/live-announcer.js';
import type { PendingRequest } from './gateway-double.js';
import {
  announcement,
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  untilStatus,
} from './helpers.js';

const OUTAGE_TEXT = 'The refresh service cannot be reached right now. The render goes on, and this '
  + 'button reconnects by itself.';
const RENDERED_NOW = '2026-12-04T12:00:42.000Z';

/** Makes the backoff jitter pick the whole step, so each retry delay is exact. */
function fullSteps(): void {
  sinon.stub(Math, 'random').returns(1);
}

/** Starts a refresh, responds to its first poll with a log line, and returns the second poll. */
async function followRender(mounted: Mounted): Promise<PendingRequest> {
  await loadStatus(mounted);
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());
  (await mounted.gateway.next()).respond(200, renderProgress({ output: ['Loading data'], next: 1 }));

  return mounted.gateway.next();
}

/** Returns the number of refresh requests that the element sent. */
function postCount({ gateway }: Mounted): number {
  return gateway.requests.filter((request) => request.method === 'POST').length;
}

/** Fails `poll`, waits `retryMs` for the retry and returns it. */
async function failAndRetry(
  mounted: Mounted,
  poll: PendingRequest,
  fail: (poll: PendingRequest) => void,
  retryMs: number,
): Promise<PendingRequest> {
  fail(poll);
  await poll.bodyRead;
  await mounted.clock.tickAsync(retryMs);

  return mounted.gateway.next();
}

const refuse = (poll: PendingRequest) => poll.failNetwork();
const answer503 = (poll: PendingRequest) => {
  poll.respond(503, errorBody('shutting_down', 'The gateway is restarting.'), { 'Retry-After': '1' });
};

describe('connect-refresh-button gateway outage during a render', () => {
  afterEach(() => sinon.restore());

  it('stays running after one failed poll', async () => {
    fullSteps();
    const mounted = await mount();
    const events = recordEvents(mounted.el);
    const poll = await followRender(mounted);

    const retry = await failAndRetry(mounted, poll, refuse, 1000);

    expect(retry.url).to.equal('/gw/v1/renders/render-1?after=1&wait=0');
    expect(mounted.el.status).to.equal('running');
    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-start']);
  });

  for (const [name, fail] of [['refused connections', refuse], ['503', answer503]] as const) {
    it(`shows unavailable on ${name}`, async () => {
      fullSteps();
      const mounted = await mount();
      const { el } = mounted;
      const poll = await followRender(mounted);

      const retry = await failAndRetry(mounted, poll, fail, 1000);
      await failAndRetry(mounted, retry, fail, 2000);
      await el.updateComplete;

      expect(el.getAttribute('status')).to.equal('unavailable');
      expect(part(el, 'message')!.textContent).to.equal(OUTAGE_TEXT);
      expect(button(el).getAttribute('aria-disabled')).to.equal('true');
    });
  }

  it('fires one error for the outage', async () => {
    fullSteps();
    const mounted = await mount();
    const poll = await followRender(mounted);
    const events = recordEvents(mounted.el);

    let retry = await failAndRetry(mounted, poll, refuse, 1000);
    retry = await failAndRetry(mounted, retry, refuse, 2000);
    await failAndRetry(mounted, retry, refuse, 4000);

    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-error']);
    expect(events[0]!.detail).to.deep.include({
      report: 'sales',
      handle: 'render-1',
      state: 'running',
      code: 'network_error',
      message: OUTAGE_TEXT,
      gatewayMessage: null,
    });
  });

  it('returns to running, then shows the end', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const poll = await followRender(mounted);
    let retry = await failAndRetry(mounted, poll, refuse, 1000);
    retry = await failAndRetry(mounted, retry, answer503, 2000);
    await untilStatus(el, 'unavailable');
    const events = recordEvents(el);

    retry.respond(200, renderProgress({ output: ['Knitting'], next: 2 }));
    const next = await gateway.next();
    await untilStatus(el, 'running');
    await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await el.updateComplete;
    expect(next.url).to.equal('/gw/v1/renders/render-1?after=2&wait=20');
    expect(part(el, 'message')).to.equal(null);
    expect(announcement(el)).to.equal('Reconnected. The refresh is still running.');
    expect(part(el, 'log')!.textContent).to.include('Loading data\nKnitting');

    next.respond(200, renderProgress({
      state: 'succeeded',
      next: 2,
      finished_at: RENDERED_NOW,
      last_rendered_at: RENDERED_NOW,
    }));
    await untilStatus(el, 'succeeded');
    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-success']);
    expect(postCount(mounted)).to.equal(1);
  });

  it('shows an end that came during the outage', async () => {
    fullSteps();
    const mounted = await mount();
    const { el } = mounted;
    const poll = await followRender(mounted);
    let retry = await failAndRetry(mounted, poll, refuse, 1000);
    retry = await failAndRetry(mounted, retry, refuse, 2000);
    await untilStatus(el, 'unavailable');

    retry.respond(200, renderProgress({ state: 'failed', next: 1, error: 'Exit 1' }));
    await untilStatus(el, 'failed');
    await el.updateComplete;

    expect(part(el, 'message')!.textContent).to.include('The report failed while rendering');
  });

  it('ignores clicks while unavailable', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const poll = await followRender(mounted);
    const retry = await failAndRetry(mounted, poll, refuse, 1000);
    retry.failNetwork();
    await untilStatus(el, 'unavailable');

    button(el).click();
    await clock.tickAsync(0);

    expect(gateway.untaken).to.equal(0);
    expect(postCount(mounted)).to.equal(1);
  });

  it('backs off while the gateway is down', async () => {
    fullSteps();
    const mounted = await mount();
    let poll = await followRender(mounted);

    for (const delayMs of [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]) {
      poll.failNetwork();
      await mounted.clock.tickAsync(delayMs - 1);
      expect(mounted.gateway.untaken, `requests before ${delayMs} ms`).to.equal(0);
      await mounted.clock.tickAsync(1);
      poll = await mounted.gateway.next();
    }

    expect(poll.url).to.equal('/gw/v1/renders/render-1?after=1&wait=0');
    expect(mounted.el.status).to.equal('unavailable');
  });

  it('passes axe while unavailable', async () => {
    fullSteps();
    const mounted = await mount();
    const poll = await followRender(mounted);
    const retry = await failAndRetry(mounted, poll, answer503, 1000);
    retry.respond(503, errorBody('connect_unavailable', 'Connect could not be reached.'));
    await retry.bodyRead;
    await untilStatus(mounted.el, 'unavailable');
    await mounted.el.updateComplete;
    mounted.clock.restore();

    expect(part(mounted.el, 'detail')).to.not.equal(null);
    await expect(mounted.el).to.be.accessible();
  });
});

describe('connect-refresh-button gateway outage while idle', () => {
  afterEach(() => sinon.restore());

  it('recovers and follows a render to its end', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');
    await clock.tickAsync(5000);
    const reread = await gateway.next();
    reread.respond(503, errorBody('shutting_down', 'Restarting.'));
    await reread.bodyRead;
    await clock.tickAsync(10_000);

    const render = { handle: 'render-9', state: 'running' as const, started_at: RENDERED_NOW };
    (await gateway.next()).respond(200, reportStatus({ render }));
    const poll = await gateway.next();
    expect(poll.url).to.equal('/gw/v1/renders/render-9?after=0&wait=20');
    await untilStatus(el, 'running');
    poll.respond(200, renderProgress({
      handle: 'render-9',
      state: 'succeeded',
      finished_at: RENDERED_NOW,
      last_rendered_at: RENDERED_NOW,
    }));

    await untilStatus(el, 'succeeded');
    expect(postCount(mounted)).to.equal(0);
  });
});
