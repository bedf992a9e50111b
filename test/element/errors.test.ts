import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import {
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

/** Clicks the button and returns the refresh request. */
async function clickRefresh({ el, gateway }: Mounted) {
  button(el).click();

  return gateway.next();
}

/** Starts a refresh and returns the first poll of the render. */
async function startFollowing(mounted: Mounted) {
  await loadStatus(mounted);
  (await clickRefresh(mounted)).respond(202, refreshAccepted());

  return mounted.gateway.next();
}

describe('connect-refresh-button errors', () => {
  afterEach(() => sinon.restore());

  it('is unavailable when refreshing is forbidden', async () => {
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    const post = await clickRefresh(mounted);
    post.respond(403, errorBody('forbidden', 'user alice is not allowed to refresh report sales'));

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(part(el, 'message')!.textContent).to.match(/not allowed to refresh this report/);
    expect(event.detail.code).to.equal('forbidden');
    expect(event.detail.handle).to.equal(null);
    expect(button(el).getAttribute('aria-disabled')).to.equal('true');
  });

  it('blames the gateway key for connect_forbidden', async () => {
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    const post = await clickRefresh(mounted);
    post.respond(403, errorBody('connect_forbidden', 'Connect rejected the API key.'));

    const event = await failed;
    await el.updateComplete;
    const message = part(el, 'message')!.textContent!;
    expect(el.status).to.equal('unavailable');
    expect(message).to.match(
      /^The refresh service is not permitted to render this report on Connect\./);
    expect(message).to.not.include('You are not allowed');
    expect(event.detail.code).to.equal('connect_forbidden');
    expect(event.detail.message).to.equal(message);
  });

  it('names the page origin for origin_not_allowed', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    const body = errorBody('origin_not_allowed', 'Origin not allowed.');
    (await gateway.next()).respond(403, body);

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('origin_not_allowed');
    expect(part(el, 'message')!.textContent).to.include(
      `The refresh service does not allow requests from ${window.location.origin}.`);
  });

  it('treats a 403 without a code as forbidden', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respondText(403, '<html><body>Forbidden</body></html>');

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('http_error');
    expect(part(el, 'message')!.textContent).to.match(/^You are not allowed to refresh/);
  });

  it('is unavailable for an unknown report', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respond(404, errorBody('unknown_report', 'No report "sales".'));

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('unknown_report');
    expect(part(el, 'message')!.textContent).to.include('no report named "sales"');
  });

  it('fails with the message of a 429', async () => {
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    const post = await clickRefresh(mounted);
    post.respond(429, errorBody('rate_limited', 'Too many refreshes; wait 60 seconds.'));
    await untilStatus(el, 'failed');
    await el.updateComplete;

    expect(part(el, 'message')!.textContent).to.equal('Too many refreshes; wait 60 seconds.');
    expect(button(el).getAttribute('aria-disabled')).to.equal('false');
    button(el).click();
    expect((await mounted.gateway.next()).method).to.equal('POST');
  });

  for (const status of [502, 503]) {
    it(`fails after HTTP ${status} on refresh`, async () => {
      const mounted = await mount();
      await loadStatus(mounted);
      const post = await clickRefresh(mounted);
      post.respond(status, errorBody('connect_unavailable', 'Connect is unreachable.'));
      await untilStatus(mounted.el, 'failed');
      await mounted.el.updateComplete;

      expect(part(mounted.el, 'message')!.textContent).to.include('unavailable right now');
      expect(button(mounted.el).getAttribute('aria-disabled')).to.equal('false');
    });
  }

  it('fails when the network fails', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).failNetwork();

    const event = await failed;
    expect(el.status).to.equal('failed');
    expect(event.detail.code).to.equal('network_error');
  });

  it('handles an HTML error page', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respondText(502, '<html><body>Bad gateway</body></html>');

    const event = await failed;
    expect(el.status).to.equal('failed');
    expect(event.detail.code).to.equal('http_error');
  });

  it('handles a 200 response that is not JSON', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respondText(200, '<!doctype html><title>Sign in</title>');

    const event = await failed;
    expect(el.status).to.equal('failed');
    expect(event.detail.code).to.equal('invalid_response');
  });

  it('retries a poll after a network error', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const firstPoll = await startFollowing(mounted);
    firstPoll.respond(200, renderProgress({ output: ['a'], next: 1 }));

    (await gateway.next()).failNetwork();
    await clock.tickAsync(499);
    expect(gateway.untaken).to.equal(0);
    expect(el.status).to.equal('running');

    await clock.tickAsync(501);
    const retry = await gateway.next();
    expect(retry.url).to.equal('/gw/v1/renders/render-1?after=1&wait=0');

    retry.failNetwork();
    await clock.tickAsync(999);
    expect(gateway.untaken).to.equal(0);
    await clock.tickAsync(1001);
    const secondRetry = await gateway.next();

    secondRetry.respond(200, renderProgress({ state: 'succeeded', next: 1 }));
    await untilStatus(el, 'succeeded');
  });

  it('caps the retry delay at 30 seconds', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const firstPoll = await startFollowing(mounted);
    firstPoll.failNetwork();

    for (let attempt = 0; attempt < 8; attempt += 1) {
      await clock.tickAsync(30_000);
      (await gateway.next()).failNetwork();
    }

    await clock.tickAsync(30_000);
    expect(gateway.untaken).to.equal(1);
    expect(el.status).to.equal('unavailable');
  });

  it('retries a poll after HTTP 503', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const firstPoll = await startFollowing(mounted);
    firstPoll.respond(503, errorBody('connect_unavailable', 'Connect is unreachable.'));
    await firstPoll.bodyRead;
    await clock.tickAsync(499);
    expect(gateway.untaken).to.equal(0);

    await clock.tickAsync(501);
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-1?after=0&wait=0');
    expect(el.status).to.equal('running');
  });

  it('polls again after Retry-After', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const firstPoll = await startFollowing(mounted);
    const body = errorBody('rate_limited', 'Too many requests.');
    firstPoll.respond(429, body, { 'Retry-After': '10' });
    await firstPoll.bodyRead;

    await clock.tickAsync(9999);
    expect(gateway.untaken).to.equal(0);
    expect(el.status).to.equal('running');
    await clock.tickAsync(1);
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-1?after=0&wait=0');
  });

  it('fails when the followed render is unknown', async () => {
    const mounted = await mount();
    const { el } = mounted;
    const firstPoll = await startFollowing(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    firstPoll.respond(404, errorBody('unknown_render', 'No render "render-1".'));

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('failed');
    expect(event.detail.handle).to.equal('render-1');
    expect(event.detail.code).to.equal('unknown_render');
    expect(part(el, 'message')!.textContent).to.include('could not be found');
  });
});
