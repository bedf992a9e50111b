import { expect, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import type { GatewayErrorCode } from '../../src/protocol/index.js';
import {
  announcement,
  button,
  errorBody,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  reportStatus,
  untilStatus,
} from './helpers.js';

const CONNECT_DOWN = errorBody('connect_unavailable', 'Connect could not be reached.');

/** Ten minutes, far beyond the longest backoff step. */
const LONG_WAIT_MS = 10 * 60_000;

/** Makes the backoff jitter pick the whole step, so each delay is exact. */
function fullSteps(): void {
  sinon.stub(Math, 'random').returns(1);
}

/** Fails the status read on connect with a network error and waits for `failed`. */
async function failFirstRead({ el, gateway }: Mounted): Promise<void> {
  (await gateway.next()).failNetwork();
  await untilStatus(el, 'failed');
  await el.updateComplete;
}

/** Advances the clock by `ms` and checks that the element sent nothing before then. */
async function expectQuietFor({ gateway, clock }: Mounted, ms: number): Promise<void> {
  await clock.tickAsync(ms - 1);
  expect(gateway.untaken, `requests before ${ms} ms`).to.equal(0);
  await clock.tickAsync(1);
}

describe('connect-refresh-button outages', () => {
  afterEach(() => sinon.restore());

  it('keeps the button usable after an outage', async () => {
    const mounted = await mount();
    await failFirstRead(mounted);

    expect(mounted.el.getAttribute('status')).to.equal('failed');
    expect(button(mounted.el).getAttribute('aria-disabled')).to.equal('false');
    expect(part(mounted.el, 'message')!.textContent).to.include('could not be reached');
  });

  it('reads the status again by itself', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway } = mounted;
    await failFirstRead(mounted);

    await expectQuietFor(mounted, 5000);
    const reread = await gateway.next();
    expect(reread.method).to.equal('GET');
    expect(reread.url).to.equal('/gw/v1/reports/sales');
    reread.respond(200, reportStatus());
    await untilStatus(el, 'idle');
    await el.updateComplete;

    expect(part(el, 'message')).to.equal(null);
    expect(part(el, 'time')!.textContent).to.equal('5 minutes ago');
    expect(announcement(el)).to.equal('The report can be refreshed again.');
  });

  it('reads within 5 seconds whatever the jitter', async () => {
    sinon.stub(Math, 'random').returns(0);
    const mounted = await mount();
    await failFirstRead(mounted);

    await expectQuietFor(mounted, 2500);
    expect((await mounted.gateway.next()).method).to.equal('GET');
  });

  it('reads the status before refreshing on click', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await failFirstRead(mounted);

    button(el).click();
    const read = await gateway.next();
    expect(read.method).to.equal('GET');
    expect(el.status).to.equal('starting');
    read.respond(200, reportStatus());
    const post = await gateway.next();
    expect(post.method).to.equal('POST');
    post.respond(202, refreshAccepted());
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-1?after=0&wait=20');
    expect(el.status).to.equal('running');

    await clock.tickAsync(15_000);
    expect(gateway.untaken).to.equal(0);
  });

  it('follows a render found by a click', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await failFirstRead(mounted);
    const started = oneEvent(el, 'connect-refresh-start');

    button(el).click();
    const startedAt = '2026-12-04T11:59:00Z';
    const render = { handle: 'render-4', state: 'running' as const, started_at: startedAt };
    (await gateway.next()).respond(200, reportStatus({ render }));
    const event = await started;

    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-4',
      state: 'running',
      startedAt,
      lastRenderedAt: FIVE_MINUTES_BEFORE,
      joined: true,
    });
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-4?after=0&wait=20');
    expect(gateway.requests.filter((request) => request.method === 'POST')).to.have.length(0);
  });

  it('reads the status on Enter after an outage', async () => {
    const mounted = await mount();
    await failFirstRead(mounted);
    mounted.clock.restore();
    mounted.el.focus();

    await sendKeys({ press: 'Enter' });
    const read = await mounted.gateway.next();
    expect(read.method).to.equal('GET');
    read.respond(200, reportStatus());
    expect((await mounted.gateway.next()).method).to.equal('POST');
  });

  for (const [status, code] of [
    [503, 'connect_unavailable'],
    [502, 'connect_error'],
    [500, 'internal_error'],
  ] as Array<[number, GatewayErrorCode]>) {
    it(`recovers from ${status} ${code} on refresh`, async () => {
      fullSteps();
      const mounted = await mount();
      const { el, gateway } = mounted;
      await loadStatus(mounted);
      button(el).click();
      (await gateway.next()).respond(status, errorBody(code, 'Connect failed.'));
      await untilStatus(el, 'failed');
      await el.updateComplete;
      expect(button(el).getAttribute('aria-disabled')).to.equal('false');

      await expectQuietFor(mounted, 5000);
      const reread = await gateway.next();
      expect(reread.method).to.equal('GET');
      reread.respond(200, reportStatus());
      await untilStatus(el, 'idle');
    });
  }

  it('recovers from a 502 without a body', async () => {
    fullSteps();
    const mounted = await mount();
    (await mounted.gateway.next()).respondText(502, '<html><body>Bad gateway</body></html>');
    await untilStatus(mounted.el, 'failed');

    await expectQuietFor(mounted, 5000);
    expect((await mounted.gateway.next()).url).to.equal('/gw/v1/reports/sales');
  });

  it('recovers from a refresh timeout', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    const post = await gateway.next();
    await clock.tickAsync(45_000);
    await untilStatus(el, 'failed');
    await el.updateComplete;

    expect(post.signal.aborted).to.equal(true);
    expect(part(el, 'message')!.textContent).to.include('did not respond in time');
    await expectQuietFor(mounted, 5000);
    expect((await gateway.next()).method).to.equal('GET');
  });

  it('backs off up to 60 seconds', async () => {
    fullSteps();
    const mounted = await mount();
    await failFirstRead(mounted);

    for (const delayMs of [5000, 10_000, 20_000, 40_000, 60_000, 60_000]) {
      await expectQuietFor(mounted, delayMs);
      (await mounted.gateway.next()).failNetwork();
    }

    expect(mounted.el.status).to.equal('failed');
  });

  it('waits as long as Retry-After asks', async () => {
    fullSteps();
    const { el, gateway, clock } = await mount();
    (await gateway.next()).respond(503, CONNECT_DOWN, { 'Retry-After': '30' });
    await untilStatus(el, 'failed');

    await expectQuietFor({ el, gateway, clock }, 30_000);
    expect((await gateway.next()).method).to.equal('GET');
  });

  it('starts the backoff again after a recovery', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway } = mounted;
    await failFirstRead(mounted);
    await expectQuietFor(mounted, 5000);
    (await gateway.next()).failNetwork();
    await expectQuietFor(mounted, 10_000);
    (await gateway.next()).respond(200, reportStatus());
    await untilStatus(el, 'idle');

    button(el).click();
    (await gateway.next()).respond(503, CONNECT_DOWN);
    await untilStatus(el, 'failed');
    await expectQuietFor(mounted, 5000);
    expect((await gateway.next()).method).to.equal('GET');
  });

  it('stops reading after a permanent failure', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await failFirstRead(mounted);
    await clock.tickAsync(5000);
    (await gateway.next()).respond(404, errorBody('unknown_report', 'No report "sales".'));
    await untilStatus(el, 'unavailable');

    await clock.tickAsync(LONG_WAIT_MS);
    expect(gateway.requests).to.have.length(2);
  });

  for (const [status, code] of [
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [403, 'connect_forbidden'],
    [403, 'origin_not_allowed'],
    [404, 'unknown_report'],
    [502, 'not_renderable'],
  ] as Array<[number, GatewayErrorCode]>) {
    it(`stays disabled after ${status} ${code}`, async () => {
      const { el, gateway, clock } = await mount();
      (await gateway.next()).respond(status, errorBody(code, 'Refused.'));
      await untilStatus(el, 'unavailable');
      await el.updateComplete;

      expect(button(el).getAttribute('aria-disabled')).to.equal('true');
      await clock.tickAsync(LONG_WAIT_MS);
      button(el).click();
      await clock.tickAsync(0);
      expect(gateway.requests).to.have.length(1);
    });
  }

  it('stays disabled with an invalid token', async () => {
    const { el, gateway, clock } = await mount(html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales" token="two words">
      </connect-refresh-button>
    `);
    await untilStatus(el, 'unavailable');

    await clock.tickAsync(LONG_WAIT_MS);
    button(el).click();
    await clock.tickAsync(0);
    expect(gateway.requests).to.have.length(0);
  });

  it('passes axe after an outage', async () => {
    const mounted = await mount();
    (await mounted.gateway.next()).respond(503, CONNECT_DOWN);
    await untilStatus(mounted.el, 'failed');
    await mounted.el.updateComplete;
    mounted.clock.restore();

    expect(part(mounted.el, 'message')).to.not.equal(null);
    expect(part(mounted.el, 'detail')).to.not.equal(null);
    await expect(mounted.el).to.be.accessible();
  });
});
