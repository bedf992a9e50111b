import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { STATUS_REREAD_MS } from '../../src/element/status-rereads.js';
import {
  button,
  loadStatus,
  mount,
  untilStatus,
} from './helpers.js';

/** Ways in which a page could write the `status` that the element owns. */
const OUTSIDE_WRITES: Array<[string, (el: HTMLElement & { status: string }) => void]> = [
  ['running', (el) => el.setAttribute('status', 'running')],
  ['bogus', (el) => el.setAttribute('status', 'bogus')],
  ['unavailable', (el) => el.setAttribute('status', 'unavailable')],
  ['removed', (el) => el.removeAttribute('status')],
  ['property', (el) => {
    el.status = 'starting';
  }],
];

describe('connect-refresh-button status attribute', () => {
  afterEach(() => sinon.restore());

  for (const [name, write] of OUTSIDE_WRITES) {
    it(`restores its status after ${name}`, async () => {
      const mounted = await mount();
      const { el, gateway, clock } = mounted;
      await loadStatus(mounted);

      write(el);
      await el.updateComplete;

      expect(el.status).to.equal('idle');
      expect(el.getAttribute('status')).to.equal('idle');
      expect(button(el).getAttribute('aria-disabled')).to.equal('false');

      await clock.tickAsync(STATUS_REREAD_MS);
      expect(gateway.untaken, 'a status read of its own').to.equal(1);
    });
  }

  it('keeps a click working after a write', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    el.setAttribute('status', 'running');
    await el.updateComplete;
    button(el).click();
    const post = await gateway.next();

    expect(post.method).to.equal('POST');
    await untilStatus(el, 'starting');
  });

  it('restores a failed status', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    (await gateway.next()).failNetwork();
    await untilStatus(el, 'failed');

    el.setAttribute('status', 'idle');
    await el.updateComplete;

    expect(el.status).to.equal('failed');
    expect(el.getAttribute('status')).to.equal('failed');
  });
});
