import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { renderStorageKey } from '../../src/element/render-memory.js';
import { sharingKey } from '../../src/element/page-sharing.js';
import { tabKey } from '../../src/element/tab-messages.js';
import {
  button,
  errorBody,
  loadStatus,
  mount,
  part,
  refreshAccepted,
  reportStatus,
  SERVER_NOW,
  text,
  untilStatus,
} from './helpers.js';

const apacTemplate = html`
  <connect-refresh-button lang="en" gateway="/gw" report="sales" variant="apac" history>
  </connect-refresh-button>
`;

describe('connect-refresh-button variant', () => {
  afterEach(() => sinon.restore());

  it('sends the variant with each request', async () => {
    const mounted = await mount(apacTemplate);
    const { el, gateway } = mounted;
    const read = await gateway.next();
    expect(read.url).to.equal('/gw/v1/reports/sales?variant=apac');
    read.respond(200, reportStatus({ variant: 'apac' }));
    await untilStatus(el, 'idle');
    await el.updateComplete;

    button(el).click();
    const refresh = await gateway.next();
    expect(refresh.method).to.equal('POST');
    expect(refresh.url).to.equal('/gw/v1/reports/sales/refresh?variant=apac');
    expect(refresh.init.body).to.equal('{}');
    refresh.respond(202, refreshAccepted());
    const poll = await gateway.next();
    expect(poll.url).to.match(/^\/gw\/v1\/renders\/render-1\?/, 'the handle names the variant');

    part(el, 'history')!.querySelector('summary')!.click();
    const history = await gateway.next();
    expect(history.url).to.equal('/gw/v1/reports/sales/renders?limit=10&variant=apac');
  });

  it('sends no variant when empty', async () => {
    const { gateway } = await mount(html`
      <connect-refresh-button gateway="/gw" report="sales" variant="  "></connect-refresh-button>
    `);

    expect((await gateway.next()).url).to.equal('/gw/v1/reports/sales');
  });

  it('encodes the variant key', async () => {
    const variant = 'a&b c';
    const { gateway } = await mount(html`
      <connect-refresh-button gateway="/gw" report="sales" variant=${variant}></connect-refresh-button>
    `);

    expect((await gateway.next()).url).to.equal('/gw/v1/reports/sales?variant=a%26b+c');
  });

  it('keeps variants apart', async () => {
    sessionStorage.clear();
    const fetchStub = sinon.stub(window, 'fetch');
    const urls: string[] = [];
    fetchStub.callsFake(async (input) => {
      urls.push(String(input));

      if (String(input).includes('/v1/renders/')) {
        // The long poll of the default render stays open for the rest of the test.
        return new Promise<Response>(() => {});
      }

      const running = { handle: 'render-emea', state: 'running', started_at: SERVER_NOW };
      const body = String(input).includes('variant=apac')
        ? reportStatus({ variant: 'apac' })
        : reportStatus({ render: running as never });
      return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    });
    const wrapper = await fixture(html`
      <div>
        <connect-refresh-button gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button gateway="/gw" report="sales" variant="apac"></connect-refresh-button>
      </div>
    `);
    const [defaultEl, apacEl] = wrapper.querySelectorAll<ConnectRefreshButton>(
      'connect-refresh-button');
    await untilStatus(defaultEl!, 'running');
    await untilStatus(apacEl!, 'idle');
    await apacEl!.updateComplete;

    expect(urls.filter((url) => url.startsWith('/gw/v1/reports/'))).to.have.members([
      '/gw/v1/reports/sales', '/gw/v1/reports/sales?variant=apac',
    ], 'one status read per variant');
    expect(apacEl!.status).to.equal('idle', 'the apac element does not follow the default render');
    expect(urls.filter((url) => url.includes('render-emea'))).to.have.length(1);
  });

  it('keys shared work by variant', () => {
    const credentials = { token: null, tokenProvider: null };

    expect(sharingKey('/gw', 'sales', credentials, 'apac'))
      .not.to.equal(sharingKey('/gw', 'sales', credentials));
    expect(tabKey('/gw', 'sales', 'apac')).not.to.equal(tabKey('/gw', 'sales'));
    expect(renderStorageKey('/gw', 'sales', 'apac')).not.to.equal(renderStorageKey('/gw', 'sales'));
    expect(tabKey('/gw', 'sales', null)).to.equal(tabKey('/gw', 'sales'));
  });

  it('stores the render under its variant', async () => {
    const mounted = await mount(apacTemplate);
    await loadStatus(mounted, { variant: 'apac' });
    button(mounted.el).click();
    (await mounted.gateway.next()).respond(202, refreshAccepted());
    await mounted.gateway.next();

    expect(sessionStorage.getItem(renderStorageKey('/gw', 'sales', 'apac'))).to.include('render-1');
    expect(sessionStorage.getItem(renderStorageKey('/gw', 'sales'))).to.equal(null);
  });

  it('shows an unknown variant as unavailable', async () => {
    const mounted = await mount(apacTemplate);
    const { el, gateway } = mounted;
    (await gateway.next()).respond(404, errorBody('unknown_variant', 'No variant "apac".'));
    await untilStatus(el, 'unavailable');
    await el.updateComplete;

    expect(text(el)).to.include('The refresh service has no variant "apac" of the report '
      + '"sales". Check the variant attribute of the refresh button.');

    el.variant = 'emea';
    const again = await gateway.next();
    expect(again.url).to.equal('/gw/v1/reports/sales?variant=emea');
    again.respond(200, reportStatus({ variant: 'emea' }));
    await untilStatus(el, 'idle');
  });
});
