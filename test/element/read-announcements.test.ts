import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { ANNOUNCEMENT_GAP_MS } from '../../src/element/live-announcer.js';
import { STATUS_REREAD_MS } from '../../src/element/status-rereads.js';
import {
  announcement,
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

const UNREACHABLE = 'The refresh service could not be reached. Check your connection and try '
  + 'again later.';
const RESTARTING = errorBody('shutting_down', 'The gateway is restarting.');
const SERVER_UNAVAILABLE = 'The report server is unavailable right now. Try again later.';

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

/** Waits until the element shows `failed` and its announcement is out. */
async function settleFailure({ el, clock }: Mounted): Promise<void> {
  await untilStatus(el, 'failed');
  await el.updateComplete;
  await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
  await el.updateComplete;
}

/** Advances the clock a second at a time until the element's backoff sends its next read. */
async function untilRead({ gateway, clock }: Mounted): Promise<void> {
  for (let second = 0; second < 120 && gateway.untaken === 0; second += 1) {
    await clock.tickAsync(1_000);
  }
  expect(gateway.untaken).to.equal(1);
}

describe('connect-refresh-button announcements of failed reads', () => {
  afterEach(() => sinon.restore());

  it('announces a failed first read plainly', async () => {
    const mounted = await mount();
    (await mounted.gateway.next()).failNetwork();
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(UNREACHABLE);
  });

  it('announces a failed periodic read plainly', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    await mounted.clock.tickAsync(STATUS_REREAD_MS + 30_000);
    expect(mounted.gateway.untaken).to.equal(1);
    (await mounted.gateway.next()).respond(503, RESTARTING);
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(SERVER_UNAVAILABLE);
  });

  it('announces a failed read on return plainly', async () => {
    const visibility = stubVisibility();
    const mounted = await mount();
    await loadStatus(mounted);
    visibility.set('hidden');
    await mounted.clock.tickAsync(10 * 60_000);
    visibility.set('visible');
    await mounted.clock.tickAsync(0);
    expect(mounted.gateway.untaken).to.equal(1);
    (await mounted.gateway.next()).failNetwork();
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(UNREACHABLE);
  });

  it('keeps "Refresh failed." for a click', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    button(mounted.el).click();
    (await mounted.gateway.next()).failNetwork();
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(`Refresh failed. ${UNREACHABLE}`);
  });

  it('repeats no failure that a click announced', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    button(mounted.el).click();
    (await mounted.gateway.next()).failNetwork();
    await settleFailure(mounted);
    expect(announcement(mounted.el)).to.equal(`Refresh failed. ${UNREACHABLE}`);

    await untilRead(mounted);
    const read = await mounted.gateway.next();
    expect(read.method).to.equal('GET');
    read.failNetwork();
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(`Refresh failed. ${UNREACHABLE}`);
  });

  it('announces a new failure after a click plainly', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    button(mounted.el).click();
    (await mounted.gateway.next()).failNetwork();
    await settleFailure(mounted);

    await untilRead(mounted);
    (await mounted.gateway.next()).respond(503, RESTARTING);
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(SERVER_UNAVAILABLE);
  });

  it('keeps "Refresh failed." for a click after an outage', async () => {
    const mounted = await mount();
    (await mounted.gateway.next()).failNetwork();
    await settleFailure(mounted);
    expect(announcement(mounted.el)).to.equal(UNREACHABLE);

    button(mounted.el).click();
    const read = await mounted.gateway.next();
    expect(read.method).to.equal('GET');
    read.respond(503, RESTARTING);
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.equal(`Refresh failed. ${SERVER_UNAVAILABLE}`);
  });

  it('keeps "Refresh failed." for a failed render', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    button(mounted.el).click();
    (await mounted.gateway.next()).respond(202, refreshAccepted());
    (await mounted.gateway.next()).respond(200, renderProgress({ state: 'failed', error: 'Exit 1' }));
    await settleFailure(mounted);

    expect(announcement(mounted.el)).to.match(/^Refresh failed\. The report failed while rendering/);
  });
});
