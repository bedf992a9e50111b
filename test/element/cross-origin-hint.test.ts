import { expect, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/element/locales/de.js';
import {
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  until,
  untilStatus,
} from './helpers.js';

/** A gateway on another origin than the test page. The fetch stub keeps every request local. */
const OTHER_GATEWAY = 'https://refresh.example.com';

const UNREACHABLE = 'The refresh service could not be reached. Check your connection and try '
  + 'again later.';

const crossOriginTemplate = html`
  <connect-refresh-button lang="en" gateway="${OTHER_GATEWAY}/base" report="sales">
  </connect-refresh-button>
`;

function detail(el: HTMLElement): HTMLDetailsElement | null {
  return part(el, 'detail') as HTMLDetailsElement | null;
}

/** Returns the text of the detail block, or null without one. */
function detailText(el: HTMLElement): string | null {
  return detail(el)?.textContent ?? null;
}

/** Fails the status read on connect with a network error and waits for `failed`. */
async function failFirstRead({ el, gateway }: Mounted): Promise<void> {
  (await gateway.next()).failNetwork();
  await untilStatus(el, 'failed');
  await el.updateComplete;
}

describe('connect-refresh-button hint for a gateway on another origin', () => {
  afterEach(() => sinon.restore());

  it('hints at cors.origins after a network error', async () => {
    const mounted = await mount(crossOriginTemplate);
    const failed = oneEvent(mounted.el, 'connect-refresh-error');
    await failFirstRead(mounted);
    const event = await failed;
    const block = detail(mounted.el);
    const page = window.location.origin;

    expect(part(mounted.el, 'message')!.textContent).to.equal(UNREACHABLE);
    expect(block).to.not.equal(null);
    expect(block!.open).to.equal(false);
    expect(block!.querySelector('summary')!.textContent).to.equal('Details');
    expect(block!.querySelector('p')!.textContent).to.equal(
      `The refresh gateway at ${OTHER_GATEWAY} may not allow requests from ${page}. In that `
        + `case, its administrator must add ${page} to cors.origins in the gateway's config. `
        + 'Otherwise the gateway is down or cannot be reached.',
    );
    expect(event.detail.code).to.equal('network_error');
    expect(event.detail.message).to.equal(UNREACHABLE);
    expect(event.detail.gatewayMessage).to.equal(null);
  });

  it('hints after a failed refresh request', async () => {
    const mounted = await mount(crossOriginTemplate);
    await loadStatus(mounted);
    button(mounted.el).click();
    (await mounted.gateway.next()).failNetwork();
    await untilStatus(mounted.el, 'failed');
    await mounted.el.updateComplete;

    expect(detailText(mounted.el)).to.include(OTHER_GATEWAY);
    expect(detailText(mounted.el)).to.include('cors.origins');
  });

  it('gives no hint on the page origin', async () => {
    const sameOrigin = html`
      <connect-refresh-button lang="en" gateway="${window.location.origin}/gw" report="sales">
      </connect-refresh-button>
    `;
    const mounted = await mount(sameOrigin);
    await failFirstRead(mounted);

    expect(part(mounted.el, 'message')!.textContent).to.equal(UNREACHABLE);
    expect(detailText(mounted.el)).to.equal(null);
  });

  it('gives no hint after a timeout', async () => {
    const mounted = await mount(crossOriginTemplate);
    await loadStatus(mounted);
    button(mounted.el).click();
    await mounted.gateway.next();
    await mounted.clock.tickAsync(45_000);
    await untilStatus(mounted.el, 'failed');
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'message')!.textContent).to.include('did not respond in time');
    expect(detailText(mounted.el)).to.equal(null);
  });

  it('gives no hint on an HTTP error', async () => {
    const mounted = await mount(crossOriginTemplate);
    const text = 'The gateway is restarting.';
    (await mounted.gateway.next()).respond(503, errorBody('shutting_down', text));
    await untilStatus(mounted.el, 'failed');
    await mounted.el.updateComplete;

    expect(detailText(mounted.el)).to.include(text);
    expect(detailText(mounted.el)).to.not.include('cors.origins');
  });

  it('drops the hint while a render is followed', async () => {
    sinon.stub(Math, 'random').returns(1);
    const mounted = await mount(crossOriginTemplate);
    await loadStatus(mounted);
    button(mounted.el).click();
    (await mounted.gateway.next()).respond(202, refreshAccepted());
    const poll = await mounted.gateway.next();
    poll.respond(200, renderProgress({ output: ['Loading data'], next: 1 }));
    const second = await mounted.gateway.next();
    second.failNetwork();
    await second.bodyRead;
    await mounted.clock.tickAsync(1000);
    const retry = await mounted.gateway.next();
    retry.failNetwork();
    await untilStatus(mounted.el, 'unavailable');
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'message')!.textContent).to.include('cannot be reached right now');
    expect(detailText(mounted.el)).to.equal(null);
  });

  it('follows the element language', async () => {
    const german = html`
      <connect-refresh-button lang="de" gateway="${OTHER_GATEWAY}" report="sales">
      </connect-refresh-button>
    `;
    const mounted = await mount(german);
    await failFirstRead(mounted);

    expect(detail(mounted.el)!.querySelector('summary')!.textContent).to.equal('Details');
    expect(detailText(mounted.el)).to.include(
      `Das Gateway unter ${OTHER_GATEWAY} lässt Anfragen von ${window.location.origin} `
        + 'möglicherweise nicht zu.',
    );

    mounted.el.setAttribute('lang', 'en');
    await until(mounted.el, () => part(mounted.el, 'label')!.textContent === 'Refresh data');

    expect(detailText(mounted.el)).to.include(`The refresh gateway at ${OTHER_GATEWAY}`);
  });
});
