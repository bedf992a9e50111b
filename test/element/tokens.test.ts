import { expect, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import { TOKEN_PROVIDER_TIMEOUT_MS } from '../../src/element/token-store.js';
import type { PendingRequest } from './gateway-double.js';
import {
  button,
  errorBody,
  loadStatus,
  mount,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  untilStatus,
} from './helpers.js';

interface ProviderCall {
  resolve(token: string): void;
  reject(error: unknown): void;
}

/** A token provider whose calls the test settles by hand. */
class ProviderDouble {
  readonly calls: ProviderCall[] = [];
  readonly provider = sinon.spy(() => new Promise<string>((resolve, reject) => {
    this.calls.push({ resolve, reject });
    this.waiters.splice(0).forEach((wake) => wake());
  }));
  private takenCount = 0;
  private readonly waiters: Array<() => void> = [];

  /** Resolves with the oldest call not taken yet, waiting for the element to make one. */
  async next(): Promise<ProviderCall> {
    while (this.takenCount >= this.calls.length) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }

    this.takenCount += 1;

    return this.calls[this.takenCount - 1]!;
  }
}

function authorization(request: PendingRequest): string | null {
  return new Headers(request.init.headers).get('Authorization');
}

function mountWithToken(token: string) {
  return mount(html`
    <connect-refresh-button lang="en" gateway="/gw" report="sales" token=${token}>
    </connect-refresh-button>
  `);
}

function mountWithProvider(provider: () => Promise<string>, token = '') {
  return mount(html`
    <connect-refresh-button
      lang="en"
      gateway="/gw"
      report="sales"
      token=${token}
      .tokenProvider=${provider}
    ></connect-refresh-button>
  `);
}

const expired = errorBody('token_expired', 'The signed user token has expired.');
const unauthenticated = errorBody('unauthenticated', 'This report needs a signed user token.');

describe('connect-refresh-button tokens', () => {
  afterEach(() => sinon.restore());

  it('sends the token attribute on every request', async () => {
    const mounted = await mountWithToken('user-token-1');
    const { el, gateway } = mounted;
    const read = await gateway.next();
    read.respond(200, reportStatus());
    await untilStatus(el, 'idle');
    button(el).click();
    const post = await gateway.next();
    post.respond(202, refreshAccepted());
    const poll = await gateway.next();

    expect(authorization(read)).to.equal('Bearer user-token-1');
    expect(authorization(post)).to.equal('Bearer user-token-1');
    expect(authorization(poll)).to.equal('Bearer user-token-1');
  });

  it('sends no Authorization header without a token', async () => {
    const { gateway } = await mount();

    expect(authorization(await gateway.next())).to.equal(null);
  });

  it('never reflects the token property', async () => {
    const mounted = await mount();
    mounted.el.token = 'secret-token';
    await mounted.el.updateComplete;

    expect(mounted.el.hasAttribute('token')).to.equal(false);
    expect(mounted.el.outerHTML).to.not.include('secret-token');
    expect(mounted.el.shadowRoot!.innerHTML).to.not.include('secret-token');
  });

  it('keeps the token out of events and messages', async () => {
    const mounted = await mountWithToken('secret-token');
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    button(el).click();
    (await gateway.next()).respond(401, expired);
    await untilStatus(el, 'unavailable');
    await el.updateComplete;

    expect(events).to.have.length(3);
    expect(JSON.stringify(events)).to.not.include('secret-token');
    expect(el.shadowRoot!.textContent).to.not.include('secret-token');
  });

  it('uses a new token on the next request', async () => {
    const mounted = await mountWithToken('first');
    await loadStatus(mounted);
    mounted.el.token = 'second';
    button(mounted.el).click();

    expect(authorization(await mounted.gateway.next())).to.equal('Bearer second');
  });

  it('calls the provider before the first request', async () => {
    const tokens = new ProviderDouble();
    const { gateway } = await mountWithProvider(tokens.provider);
    const call = await tokens.next();

    expect(gateway.requests).to.have.length(0);
    call.resolve('fresh-token');
    const read = await gateway.next();
    expect(authorization(read)).to.equal('Bearer fresh-token');
    expect(tokens.provider.callCount).to.equal(1);
  });

  it('does not call the provider while the token works', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'page-token');
    await loadStatus(mounted);
    button(mounted.el).click();

    expect(authorization(await mounted.gateway.next())).to.equal('Bearer page-token');
    expect(tokens.provider.callCount).to.equal(0);
  });

  it('renews an expired token and retries once', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'old-token');
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(401, expired);
    (await tokens.next()).resolve('new-token');
    const retry = await gateway.next();

    expect(retry.method).to.equal('POST');
    expect(authorization(retry)).to.equal('Bearer new-token');
    retry.respond(202, refreshAccepted());
    expect(authorization(await gateway.next())).to.equal('Bearer new-token');
    expect(el.status).to.equal('running');
    expect(tokens.provider.callCount).to.equal(1);
  });

  it('renews after unauthenticated when a provider is set', async () => {
    const tokens = new ProviderDouble();
    const { el, gateway } = await mountWithProvider(tokens.provider, 'stale-token');
    (await gateway.next()).respond(401, unauthenticated);
    (await tokens.next()).resolve('new-token');
    const retry = await gateway.next();
    retry.respond(200, reportStatus());
    await untilStatus(el, 'idle');

    expect(authorization(retry)).to.equal('Bearer new-token');
  });

  it('gives up after one renewal', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'old-token');
    const { el, gateway, clock } = mounted;
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respond(401, expired);
    (await tokens.next()).resolve('new-token');
    (await gateway.next()).respond(401, expired);

    const event = await failed;
    await clock.tickAsync(60_000);
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('token_expired');
    expect(part(el, 'message')!.textContent).to.equal(
      'Your sign-in has expired. Sign in again to refresh this report.');
    expect(gateway.requests).to.have.length(2);
    expect(tokens.provider.callCount).to.equal(1);
  });

  it('is unavailable when an expired token has no provider', async () => {
    const { el, gateway } = await mountWithToken('old-token');
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respond(401, expired);

    const event = await failed;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('token_expired');
    expect(gateway.requests).to.have.length(1);
  });

  it('asks to sign in on unauthenticated without a provider', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).respond(401, unauthenticated);

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('unauthenticated');
    expect(event.detail.message).to.equal('Sign in to refresh this report.');
    expect(part(el, 'message')!.textContent).to.equal('Sign in to refresh this report.');
    expect(button(el).getAttribute('aria-disabled')).to.equal('true');
    expect(gateway.requests).to.have.length(1);
  });

  it('is unavailable when the provider rejects', async () => {
    const tokens = new ProviderDouble();
    const { el, gateway } = await mountWithProvider(tokens.provider);
    const failed = oneEvent(el, 'connect-refresh-error');
    (await tokens.next()).reject(new Error('Session ended'));

    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('token_unavailable');
    expect(part(el, 'message')!.textContent).to.equal(
      'The refresh button could not get a sign-in token. Reload the page and sign in again.');
    expect(gateway.requests).to.have.length(0);
  });

  for (const [value, code] of [
    ['', 'token_unavailable'],
    ['  ', 'token_unavailable'],
    ['two words', 'invalid_token'],
  ]) {
    it(`is unavailable when the provider returns "${value}"`, async () => {
      const tokens = new ProviderDouble();
      const { el, gateway } = await mountWithProvider(tokens.provider);
      const failed = oneEvent(el, 'connect-refresh-error');
      (await tokens.next()).resolve(value!);

      const event = await failed;
      expect(el.status).to.equal('unavailable');
      expect(event.detail.code).to.equal(code);
      expect(gateway.requests).to.have.length(0);
    });
  }

  it('fails a provider call that never settles', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mount(html`
      <connect-refresh-button lang="en" report="sales" .tokenProvider=${tokens.provider}>
      </connect-refresh-button>
    `);
    const { el, gateway, clock } = mounted;
    // Setting the gateway after mount starts the provider call under the fake clock.
    el.gateway = '/gw';
    await tokens.next();
    const failed = oneEvent(el, 'connect-refresh-error');

    await clock.tickAsync(TOKEN_PROVIDER_TIMEOUT_MS - 1);
    expect(el.status).to.equal('idle');
    await clock.tickAsync(1);
    const event = await failed;
    await el.updateComplete;
    expect(el.status).to.equal('failed');
    expect(event.detail.code).to.equal('token_unavailable');
    expect(part(el, 'message')!.textContent).to.equal('The refresh button did not get a '
      + 'sign-in token in time. Try again, or reload the page and sign in again.');
    expect(gateway.requests).to.have.length(0);

    button(el).click();
    (await tokens.next()).resolve('fresh-token');
    const post = await gateway.next();
    expect(post.method).to.equal('POST');
    expect(authorization(post)).to.equal('Bearer fresh-token');
    expect(tokens.provider.callCount).to.equal(2);
  });

  it('fails a renewal that never settles', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'old-token');
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(401, expired);
    await tokens.next();
    expect(el.status).to.equal('starting');

    await clock.tickAsync(TOKEN_PROVIDER_TIMEOUT_MS);
    await el.updateComplete;
    expect(el.status).to.equal('failed');
    expect(button(el).getAttribute('aria-disabled')).to.equal('false');
    expect(gateway.requests).to.have.length(2);
  });

  it('fails a renewal that the provider rejects', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'old-token');
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();
    (await gateway.next()).respond(401, expired);
    (await tokens.next()).reject(new Error('Session ended'));

    const event = await failed;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('token_unavailable');
    expect(gateway.requests).to.have.length(2);
  });

  it('rejects a token with spaces', async () => {
    const mounted = await mountWithToken('good-token');
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    el.setAttribute('token', 'Bearer abc');
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();

    const event = await failed;
    expect(el.status).to.equal('unavailable');
    expect(event.detail.code).to.equal('invalid_token');
    expect(event.detail.message).to.not.include('abc');
    expect(gateway.requests).to.have.length(1);
  });

  it('shares one provider call between requests', async () => {
    const tokens = new ProviderDouble();
    const { el, gateway } = await mountWithProvider(tokens.provider);
    const call = await tokens.next();
    el.startRefresh();
    call.resolve('shared-token');
    // The status read goes on for the report's data after the click replaced its run.
    const sent = [await gateway.next(), await gateway.next()];

    expect(sent.map((request) => request.method)).to.have.members(['GET', 'POST']);
    expect(sent.map(authorization)).to.deep.equal(['Bearer shared-token', 'Bearer shared-token']);
    expect(tokens.provider.callCount).to.equal(1);
    expect(gateway.requests).to.have.length(2);
  });

  it('renews a token that expires while polling', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'old-token');
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ output: ['a'], next: 1 }));
    (await gateway.next()).respond(401, expired);
    (await tokens.next()).resolve('new-token');
    const retry = await gateway.next();

    expect(retry.url).to.equal('/gw/v1/renders/render-1?after=1&wait=20');
    expect(authorization(retry)).to.equal('Bearer new-token');
    retry.respond(200, renderProgress({ state: 'succeeded', next: 1 }));
    await untilStatus(el, 'succeeded');
  });

  it('prefers a token the page sets after a renewal', async () => {
    const tokens = new ProviderDouble();
    const mounted = await mountWithProvider(tokens.provider, 'old-token');
    const { el, gateway } = mounted;
    (await gateway.next()).respond(401, expired);
    (await tokens.next()).resolve('renewed-token');
    (await gateway.next()).respond(200, reportStatus());
    await untilStatus(el, 'idle');

    button(el).click();
    const renewedPost = await gateway.next();
    expect(authorization(renewedPost)).to.equal('Bearer renewed-token');
    renewedPost.respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');

    el.token = 'page-token';
    button(el).click();
    expect(authorization(await gateway.next())).to.equal('Bearer page-token');
  });

  it('reads the status again after a new token', async () => {
    const { el, gateway } = await mount();
    (await gateway.next()).respond(401, unauthenticated);
    await untilStatus(el, 'unavailable');

    el.token = 'signed-in-token';
    const reread = await gateway.next();
    expect(reread.url).to.equal('/gw/v1/reports/sales');
    expect(authorization(reread)).to.equal('Bearer signed-in-token');
    reread.respond(200, reportStatus());
    await untilStatus(el, 'idle');
  });

  it('reads the status again when a token arrives while idle', async () => {
    const mounted = await mount();
    await loadStatus(mounted);

    mounted.el.token = 'owner-token';
    const reread = await mounted.gateway.next();
    expect(reread.url).to.equal('/gw/v1/reports/sales');
    expect(authorization(reread)).to.equal('Bearer owner-token');
  });

  it('reads the status again after forbidden and a new token', async () => {
    const { el, gateway } = await mountWithToken('alice-token');
    const body = errorBody('forbidden', 'user alice is not allowed to read report sales');
    (await gateway.next()).respond(403, body);
    await untilStatus(el, 'unavailable');

    el.token = 'bob-token';
    const reread = await gateway.next();
    expect(authorization(reread)).to.equal('Bearer bob-token');
  });

  it('does not read again when a token changes after other errors', async () => {
    const { el, gateway, clock } = await mount();
    (await gateway.next()).respond(404, errorBody('unknown_report', 'No report "sales".'));
    await untilStatus(el, 'unavailable');

    el.token = 'signed-in-token';
    await el.updateComplete;
    await clock.tickAsync(0);
    expect(gateway.requests).to.have.length(1);
  });

  it('sends nothing when removed during a provider call', async () => {
    const tokens = new ProviderDouble();
    const { el, gateway, clock } = await mountWithProvider(tokens.provider);
    const call = await tokens.next();

    el.remove();
    call.resolve('late-token');
    await clock.tickAsync(0);
    expect(gateway.requests).to.have.length(0);
    expect(el.status).to.equal('idle');
  });
});
