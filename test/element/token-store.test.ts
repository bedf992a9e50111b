import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import {
  TOKEN_PROVIDER_TIMEOUT_MS,
  TokenError,
  TokenStore,
  type TokenSettings,
} from '../../src/element/token-store.js';

/** Returns the rejection reason of a promise, failing when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }

  throw new Error('expected the promise to reject, but it resolved');
}

describe('TokenStore', () => {
  const signal = new AbortController().signal;

  it('returns null without token or provider', async () => {
    const store = new TokenStore({ token: null, tokenProvider: null });

    expect(await store.tokenFor(signal)).to.equal(null);
    expect(store.canRenew).to.equal(false);
  });

  it('trims the token', async () => {
    const store = new TokenStore({ token: ' abc.def.ghi\n', tokenProvider: null });

    expect(await store.tokenFor(signal)).to.equal('abc.def.ghi');
  });

  it('shares one provider call between renewals', async () => {
    const provider = sinon.stub().resolves('fresh');
    const store = new TokenStore({ token: 'old', tokenProvider: provider });
    const tokens = await Promise.all([store.renew('old', signal), store.renew('old', signal)]);

    expect(tokens).to.deep.equal(['fresh', 'fresh']);
    expect(provider.callCount).to.equal(1);
  });

  it('skips a renewal another call made', async () => {
    const provider = sinon.stub().resolves('fresh');
    const store = new TokenStore({ token: 'old', tokenProvider: provider });
    await store.renew('old', signal);

    expect(await store.renew('old', signal)).to.equal('fresh');
    expect(await store.tokenFor(signal)).to.equal('fresh');
    expect(provider.callCount).to.equal(1);
  });

  it('renews a renewed token that was rejected', async () => {
    const provider = sinon.stub();
    provider.onFirstCall().resolves('second');
    provider.onSecondCall().resolves('third');
    const store = new TokenStore({ token: 'first', tokenProvider: provider });
    await store.renew('first', signal);

    expect(await store.renew('second', signal)).to.equal('third');
    expect(provider.callCount).to.equal(2);
  });

  it('prefers a token set after the renewal', async () => {
    const settings: TokenSettings = { token: 'old', tokenProvider: sinon.stub().resolves('new') };
    const store = new TokenStore(settings);
    await store.renew('old', signal);
    settings.token = 'page';

    expect(await store.tokenFor(signal)).to.equal('page');
  });

  it('wraps a provider that throws at once', async () => {
    const provider = () => {
      throw new Error('not signed in');
    };
    const store = new TokenStore({ token: null, tokenProvider: provider });
    const error = await rejectionOf(store.tokenFor(signal));

    expect(error).to.be.instanceOf(TokenError);
    expect((error as TokenError).code).to.equal('token_unavailable');
  });

  it('calls the provider again after a failure', async () => {
    const provider = sinon.stub();
    provider.onFirstCall().rejects(new Error('offline'));
    provider.onSecondCall().resolves('fresh');
    const store = new TokenStore({ token: null, tokenProvider: provider });
    await rejectionOf(store.tokenFor(signal));

    expect(await store.tokenFor(signal)).to.equal('fresh');
    expect(provider.callCount).to.equal(2);
  });

  it('rejects a non-string token from the provider', async () => {
    const provider = sinon.stub().resolves(42);
    const store = new TokenStore({ token: null, tokenProvider: provider });
    const error = await rejectionOf(store.tokenFor(signal));

    expect((error as TokenError).code).to.equal('token_unavailable');
  });

  describe('provider timeout', () => {
    afterEach(() => sinon.restore());

    it('times out a provider that never settles', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const provider = sinon.stub();
      provider.onFirstCall().returns(new Promise<string>(() => {}));
      provider.onSecondCall().resolves('fresh');
      const store = new TokenStore({ token: null, tokenProvider: provider });
      let settled = false;
      const waiting = store.tokenFor(signal).finally(() => {
        settled = true;
      });
      const failure = rejectionOf(waiting);

      await clock.tickAsync(TOKEN_PROVIDER_TIMEOUT_MS - 1);
      expect(settled).to.equal(false);
      await clock.tickAsync(1);
      expect(settled).to.equal(true);
      const error = await failure;
      expect(error).to.be.instanceOf(TokenError);
      expect((error as TokenError).code).to.equal('token_unavailable');
      expect((error as TokenError).timedOut).to.equal(true);
      expect(await store.tokenFor(signal)).to.equal('fresh');
      expect(provider.callCount).to.equal(2);
    });

    it('clears the timer when the provider settles', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const store = new TokenStore({ token: null, tokenProvider: sinon.stub().resolves('fresh') });

      expect(await store.tokenFor(signal)).to.equal('fresh');
      expect(clock.countTimers()).to.equal(0);
    });
  });

  it('rejects with the abort reason but keeps the renewal', async () => {
    let resolveToken = (_token: string) => {};
    const provider = () => new Promise<string>((resolve) => {
      resolveToken = resolve;
    });
    const store = new TokenStore({ token: null, tokenProvider: provider });
    const controller = new AbortController();
    const waiting = store.tokenFor(controller.signal);

    controller.abort();
    expect(await rejectionOf(waiting)).to.equal(controller.signal.reason);
    resolveToken('late');
    expect(await store.tokenFor(signal)).to.equal('late');
  });
});
