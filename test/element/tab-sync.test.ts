import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { tabKey, type TabMessage } from '../../src/element/tab-messages.js';
import { isTabChannelOpen, TAB_CHANNEL_NAME } from '../../src/element/tab-sync.js';
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
  SERVER_NOW,
  until,
  untilStatus,
} from './helpers.js';

const KEY = tabKey('/gw', 'sales');
const RENDERED_NOW = '2026-12-04T12:00:42.000Z';

/** Another tab of the origin, played by the test through its own endpoint of the channel. */
class OtherTab {
  readonly channel = new BroadcastChannel(TAB_CHANNEL_NAME);
  private readonly received: unknown[] = [];
  private readonly waiters: Array<() => void> = [];

  constructor() {
    this.channel.addEventListener('message', (event) => {
      this.received.push(event.data);
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** Resolves with the next message that the element's page sent. */
  async next(): Promise<unknown> {
    while (this.received.length === 0) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }

    return this.received.shift();
  }

  post(message: TabMessage | Record<string, unknown>): void {
    this.channel.postMessage(message);
  }
}

/** Records the messages that the element's page posts, leaving out the test's own. */
function pagePosts(tab: OtherTab): () => unknown[] {
  const spy = sinon.spy(BroadcastChannel.prototype, 'postMessage');

  return () => spy.getCalls()
    .filter((call) => call.thisValue !== tab.channel)
    .map((call) => call.args[0]);
}

function followed(handle: string): TabMessage {
  return { type: 'render-followed', key: KEY, handle, startedAt: SERVER_NOW };
}

function succeeded(handle: string) {
  return renderProgress({
    handle,
    state: 'succeeded',
    finished_at: RENDERED_NOW,
    last_rendered_at: RENDERED_NOW,
    server_time: RENDERED_NOW,
  });
}

function methods(requests: Array<{ method: string; url: string }>): string[] {
  return requests.map((request) => `${request.method} ${request.url}`);
}

describe('connect-refresh-button tab sync', () => {
  let tab: OtherTab;

  beforeEach(() => {
    tab = new OtherTab();
  });

  afterEach(() => {
    tab.channel.close();
    sinon.restore();
  });

  it('tells other tabs of a started render', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales" .token=${'secret-token-a'}>
      </connect-refresh-button>
    `);
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'tab-1' }));
    const poll = await gateway.next();
    const started = await tab.next();

    expect(started).to.deep.equal(followed('tab-1'));
    expect(JSON.stringify(started)).to.not.include('secret-token-a');

    poll.respond(200, succeeded('tab-1'));
    const ended = await tab.next();

    expect(ended).to.deep.equal({
      type: 'render-ended',
      key: KEY,
      handle: 'tab-1',
      lastRenderedAt: RENDERED_NOW,
    });
  });

  it('follows a render started in another tab', async () => {
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales" .token=${'token-a'}>
        </connect-refresh-button>
      </div>
    `);
    const { el: page, gateway } = mounted;
    const first = page.querySelector('connect-refresh-button')!;
    (await gateway.next()).respond(200, reportStatus());
    await until(first, () => part(first, 'time') !== null);

    button(first).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'tab-2' }));
    await gateway.next();
    const message = await tab.next();

    // The second tab has its own session storage and its own token.
    first.remove();
    sessionStorage.clear();
    const sentBefore = gateway.requests.length;
    const second = document.createElement('connect-refresh-button') as ConnectRefreshButton;
    Object.assign(second, { lang: 'en', gateway: '/gw', report: 'sales', token: 'token-b' });
    page.append(second);
    (await gateway.next()).respond(200, reportStatus());
    await until(second, () => part(second, 'time') !== null);
    const events = recordEvents(second);

    tab.post(message as TabMessage);
    const poll = await gateway.next();

    expect(poll.url).to.equal('/gw/v1/renders/tab-2?after=0&wait=20');
    expect(new Headers(poll.init.headers).get('Authorization')).to.equal('Bearer token-b');
    expect(second.status).to.equal('running');
    expect(events).to.deep.equal([{
      type: 'connect-refresh-start',
      detail: {
        report: 'sales',
        handle: 'tab-2',
        state: 'running',
        startedAt: '2026-12-04T12:00:00.000Z',
        lastRenderedAt: '2026-12-04T11:55:00.000Z',
        joined: true,
      },
    }]);
    expect(methods(gateway.requests.slice(sentBefore))).to.deep.equal([
      'GET /gw/v1/reports/sales',
      'GET /gw/v1/renders/tab-2?after=0&wait=20',
    ]);
  });

  it('sends no request and no echo', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const posts = pagePosts(tab);

    tab.post(followed('tab-3'));
    const poll = await gateway.next();
    poll.respond(200, succeeded('tab-3'));
    await untilStatus(el, 'succeeded');
    await el.updateComplete;

    expect(methods(gateway.requests)).to.deep.equal([
      'GET /gw/v1/reports/sales',
      'GET /gw/v1/renders/tab-3?after=0&wait=20',
    ]);
    expect(posts()).to.deep.equal([]);
    expect(part(el, 'time')!.getAttribute('datetime')).to.equal(RENDERED_NOW);
  });

  it('shares one poll per page', async () => {
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const { el: page, gateway, clock } = mounted;
    const [first, second] = [...page.querySelectorAll('connect-refresh-button')];
    (await gateway.next()).respond(200, reportStatus());
    await until(second!, () => part(second!, 'time') !== null);

    tab.post(followed('tab-4'));
    await untilStatus(first!, 'running');
    await untilStatus(second!, 'running');
    await clock.tickAsync(0);

    expect(methods(gateway.requests)).to.deep.equal([
      'GET /gw/v1/reports/sales',
      'GET /gw/v1/renders/tab-4?after=0&wait=20',
    ]);
  });

  it('shows the end of another tab\'s render', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);

    tab.post({ type: 'render-ended', key: KEY, handle: 'tab-5', lastRenderedAt: RENDERED_NOW });
    await until(el, () => part(el, 'time')?.getAttribute('datetime') === RENDERED_NOW);

    expect(el.status).to.equal('idle');
    expect(gateway.requests).to.have.length(1);
    expect(events).to.deep.equal([]);
  });

  it('keeps a newer time than another tab\'s', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted, { last_rendered_at: RENDERED_NOW });
    const older = '2026-12-04T11:00:00.000Z';

    tab.post({ type: 'render-ended', key: KEY, handle: 'tab-6', lastRenderedAt: older });
    // Messages from one endpoint arrive in order, so this one comes after the older time.
    tab.post(followed('tab-6b'));
    await gateway.next();

    expect(part(el, 'time')!.getAttribute('datetime')).to.equal(RENDERED_NOW);
  });

  it('ignores other reports and broken messages', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    tab.post({ ...followed('tab-7'), key: tabKey('/gw', 'costs') });
    tab.post({ ...followed('tab-7'), key: tabKey('/other', 'sales') });
    tab.post({ type: 'render-followed', key: KEY, handle: '', startedAt: SERVER_NOW });
    tab.post({ type: 'render-followed', key: KEY, handle: 'tab-7' });
    tab.post({ type: 'render-ended', key: KEY, handle: 'tab-7', lastRenderedAt: 5 });
    tab.post({ type: 'unknown', key: KEY, handle: 'tab-7' });
    tab.post(followed('tab-7c'));
    const poll = await gateway.next();

    expect(poll.url).to.equal('/gw/v1/renders/tab-7c?after=0&wait=20');
    expect(gateway.requests).to.have.length(2);
    expect(el.status).to.equal('running');
  });

  it('ignores another tab\'s render when unavailable', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(403, errorBody('forbidden', 'Not on the list.'));
    await untilStatus(el, 'unavailable');
    const shownTime = part(el, 'time')!.getAttribute('datetime');

    tab.post(followed('tab-8'));
    tab.post({ type: 'render-ended', key: KEY, handle: 'tab-8', lastRenderedAt: RENDERED_NOW });
    await new Promise<void>((resolve) => {
      // A message of our own, posted last, arrives after the two above.
      const probe = new BroadcastChannel(TAB_CHANNEL_NAME);
      probe.addEventListener('message', () => {
        probe.close();
        resolve();
      });
      tab.post({ type: 'probe' });
    });

    expect(gateway.requests).to.have.length(2);
    expect(el.status).to.equal('unavailable');
    expect(part(el, 'time')!.getAttribute('datetime')).to.equal(shownTime);
  });

  it('closes the channel after the last element', async () => {
    const mounted = await mount();
    expect(isTabChannelOpen()).to.equal(true);

    mounted.el.remove();
    expect(isTabChannelOpen()).to.equal(false);
  });

  it('works without BroadcastChannel', async () => {
    sinon.stub(window, 'BroadcastChannel').value(undefined);
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'tab-9' }));
    (await gateway.next()).respond(200, succeeded('tab-9'));
    await untilStatus(el, 'succeeded');

    expect(isTabChannelOpen()).to.equal(false);
    expect(gateway.requests).to.have.length(3);
  });
});
