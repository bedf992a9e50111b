import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import {
  RefreshErrorEvent,
  RefreshStartEvent,
  RefreshSuccessEvent,
} from '../../src/element/events.js';
import { GatewayDouble } from './gateway-double.js';
import {
  button,
  errorBody,
  loadStatus,
  type Mounted,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

/** Mounts the element inside the shadow root of a plain host element. */
async function mountInShadowRoot(): Promise<Mounted> {
  sessionStorage.clear();
  const gateway = new GatewayDouble();
  const outer = await fixture<HTMLDivElement>(html`<div></div>`);
  const root = outer.attachShadow({ mode: 'open' });
  const el = document.createElement('connect-refresh-button') as ConnectRefreshButton;
  el.gateway = '/gw';
  el.report = 'sales';
  root.append(el);
  await el.updateComplete;
  const clock = sinon.useFakeTimers({
    now: Date.now(),
    toFake: ['setTimeout', 'clearTimeout', 'Date'],
    shouldClearNativeTimers: true,
  });

  return { el, gateway, clock };
}

describe('connect-refresh-button events', () => {
  afterEach(() => sinon.restore());

  it('reach document from a shadow root', async () => {
    const mounted = await mountInShadowRoot();
    const { el, gateway } = mounted;
    const seen: Event[] = [];
    const listen = (event: Event) => seen.push(event);
    const types = ['connect-refresh-start', 'connect-refresh-success', 'connect-refresh-error'];
    types.forEach((type) => document.addEventListener(type, listen));

    try {
      await loadStatus(mounted);
      button(el).click();
      (await gateway.next()).respond(202, refreshAccepted());
      (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
      await untilStatus(el, 'succeeded');
      button(el).click();
      (await gateway.next()).respond(403, errorBody('connect_forbidden', 'Key rejected.'));
      await untilStatus(el, 'unavailable');
    } finally {
      types.forEach((type) => document.removeEventListener(type, listen));
    }

    expect(seen.map((event) => event.type)).to.deep.equal([
      'connect-refresh-start',
      'connect-refresh-success',
      'connect-refresh-error',
    ]);
    expect(seen[0]).to.be.instanceOf(RefreshStartEvent);
    expect(seen[1]).to.be.instanceOf(RefreshSuccessEvent);
    expect(seen[2]).to.be.instanceOf(RefreshErrorEvent);
    // Listeners on document see the outer host as the target, as the event was retargeted.
    expect(seen[0]!.target).to.not.equal(el);
  });

  for (const EventClass of [RefreshStartEvent, RefreshSuccessEvent, RefreshErrorEvent]) {
    it(`${EventClass.name} bubbles and is composed`, () => {
      const event = new EventClass({} as never);

      expect(event.type).to.equal(EventClass.type);
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.cancelable).to.equal(false);
    });
  }

  it('types the details in HTMLElementEventMap', async () => {
    const mounted = await mountInShadowRoot();
    const { el, gateway } = mounted;
    const joined: boolean[] = [];
    const renderedAt: Array<string | null> = [];
    el.addEventListener('connect-refresh-start', (event) => joined.push(event.detail.joined));
    el.addEventListener('connect-refresh-success', (event) => {
      renderedAt.push(event.detail.lastRenderedAt);
    });

    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ joined: true }));
    const succeeded = renderProgress({ state: 'succeeded', last_rendered_at: '2026-12-04T12:00:05Z' });
    (await gateway.next()).respond(200, succeeded);
    await untilStatus(el, 'succeeded');

    expect(joined).to.deep.equal([true]);
    expect(renderedAt).to.deep.equal(['2026-12-04T12:00:05Z']);
  });
});
