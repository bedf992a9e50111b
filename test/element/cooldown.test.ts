import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import {
  answerRereads,
  announcement,
  button,
  errorBody,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  reportStatus,
  text,
  untilStatus,
} from './helpers.js';

const cooldownBody = errorBody('cooldown', 'Report sales rendered 1 minute ago.');
const rateLimitBody = errorBody('rate_limited', 'Too many requests from 127.0.0.1.');

/** Clicks the button and responds to the refresh request with a 429. */
async function refuseRefresh(
  { el, gateway }: Mounted,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  button(el).click();
  (await gateway.next()).respond(429, body, headers);
  await untilStatus(el, 'cooldown');
  await el.updateComplete;
}

function countdown(el: HTMLElement): string {
  return (part(el, 'countdown')?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('connect-refresh-button cooldown', () => {
  afterEach(() => sinon.restore());

  it('counts down from Retry-After', async () => {
    const mounted = await mount();
    const { el, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });

    expect(el.getAttribute('status')).to.equal('cooldown');
    expect(countdown(el)).to.equal('Refresh again in 4:00');
    await clock.tickAsync(1000);
    expect(countdown(el)).to.equal('Refresh again in 3:59');
    await clock.tickAsync(59_000);
    expect(countdown(el)).to.equal('Refresh again in 3:00');
    await clock.tickAsync(179_000);
    expect(countdown(el)).to.equal('Refresh again in 0:01');
  });

  it('shows why the refresh must wait', async () => {
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });

    expect(part(el, 'message')!.textContent).to.equal('This report was rendered recently.');
    expect(announcement(el)).to.equal(
      'This report was rendered recently. Refresh again in 4:00.');
    expect(text(el)).to.include('Last rendered 5 minutes ago');
  });

  it('fires an error event with the cooldown code', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();
    (await gateway.next()).respond(429, cooldownBody, { 'Retry-After': '240' });

    const event = await failed;
    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: null,
      state: null,
      lastRenderedAt: FIVE_MINUTES_BEFORE,
      code: 'cooldown',
      message: 'This report was rendered recently.',
      gatewayMessage: 'Report sales rendered 1 minute ago.',
    });
  });

  it('ignores clicks but stays focusable', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });

    expect(button(el).getAttribute('aria-disabled')).to.equal('true');
    expect(button(el).disabled).to.equal(false);
    button(el).click();
    el.startRefresh();
    await clock.tickAsync(0);
    expect(gateway.requests).to.have.length(2);
    expect(el.status).to.equal('cooldown');
  });

  it('returns to idle when the time is up', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });

    await clock.tickAsync(239_999);
    expect(el.status).to.equal('cooldown');
    await clock.tickAsync(1);
    await el.updateComplete;
    expect(el.status).to.equal('idle');
    expect(button(el).getAttribute('aria-disabled')).to.equal('false');
    expect(part(el, 'countdown')).to.equal(null);
    expect(part(el, 'message')).to.equal(null);
    expect(announcement(el)).to.equal('The report can be refreshed again.');

    const rereads = await answerRereads(mounted, 10 * 60_000);
    expect(rereads).to.have.length(10);
    expect(new Set(rereads)).to.deep.equal(new Set(['GET /gw/v1/reports/sales']));
    expect(el.status).to.equal('idle');
    button(el).click();
    expect((await gateway.next()).method).to.equal('POST');
  });

  it('returns to succeeded after a successful render', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '30' });

    await clock.tickAsync(30_000);
    expect(el.status).to.equal('succeeded');
  });

  it('waits 60 seconds without Retry-After', async () => {
    const mounted = await mount();
    const { el, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody);

    expect(countdown(el)).to.equal('Refresh again in 1:00');
    await clock.tickAsync(59_999);
    expect(el.status).to.equal('cooldown');
    await clock.tickAsync(1);
    expect(el.status).to.equal('idle');
  });

  it('shows hours in a long cooldown', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '7200' });

    expect(countdown(mounted.el)).to.equal('Refresh again in 2:00:00');
  });

  it('counts down a rate limit with its own message', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();
    (await gateway.next()).respond(429, rateLimitBody, { 'Retry-After': '30' });
    const event = await failed;
    await el.updateComplete;

    expect(el.status).to.equal('cooldown');
    expect(event.detail.code).to.equal('rate_limited');
    const message = 'Too many requests were sent to the refresh service.';
    expect(part(el, 'message')!.textContent).to.equal(message);
    expect(countdown(el)).to.equal('Refresh again in 0:30');
    expect(announcement(el)).to.equal(`${message} Refresh again in 0:30.`);
    await clock.tickAsync(30_000);
    expect(el.status).to.equal('idle');
    expect(gateway.requests).to.have.length(2);
  });

  it('counts down a rate-limited status read', async () => {
    const { el, gateway, clock } = await mount();
    (await gateway.next()).respond(429, rateLimitBody, { 'Retry-After': '5' });
    await untilStatus(el, 'cooldown');

    await clock.tickAsync(5000);
    expect(el.status).to.equal('idle');
    expect(gateway.requests).to.have.length(1);
  });

  it('pauses while removed and resumes on return', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });
    const parent = el.parentElement!;

    el.remove();
    expect(clock.countTimers()).to.equal(0);
    await clock.tickAsync(60_000);
    parent.append(el);
    (await gateway.next()).respond(200, reportStatus());
    await el.updateComplete;

    expect(el.status).to.equal('cooldown');
    expect(countdown(el)).to.equal('Refresh again in 3:00');
    await clock.tickAsync(180_000);
    expect(el.status).to.equal('idle');
  });

  it('ends at once when the time passed while removed', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '30' });
    const parent = el.parentElement!;

    el.remove();
    await clock.tickAsync(60_000);
    parent.append(el);
    await clock.tickAsync(0);
    expect(el.status).to.equal('idle');
    (await gateway.next()).respond(200, reportStatus());
    await el.updateComplete;
    expect(el.status).to.equal('idle');
  });

  it('drops the cooldown for a new report', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });

    el.report = 'costs';
    (await gateway.next()).respond(200, reportStatus({ name: 'costs' }));
    await untilStatus(el, 'idle');
    await el.updateComplete;
    expect(part(el, 'countdown')).to.equal(null);
    expect(clock.countTimers()).to.equal(1);
  });

  it('follows a render found running during a cooldown', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    await refuseRefresh(mounted, cooldownBody, { 'Retry-After': '240' });
    const parent = el.parentElement!;

    el.remove();
    parent.append(el);
    const startedAt = '2026-12-04T12:00:00Z';
    const render = { handle: 'render-2', state: 'running' as const, started_at: startedAt };
    (await gateway.next()).respond(200, reportStatus({ render }));
    const poll = await gateway.next();
    expect(el.status).to.equal('running');
    poll.respond(200, renderProgress({ handle: 'render-2', state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    await el.updateComplete;

    expect(button(el).getAttribute('aria-disabled')).to.equal('false');
    expect(part(el, 'countdown')).to.equal(null);
    await answerRereads(mounted, 240_000);
    expect(el.status).to.equal('succeeded');
  });
});
