import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { TemplateResult } from 'lit';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { sharedWorkCount, sharingKey } from '../../src/element/page-sharing.js';
import {
  button,
  type Mounted,
  mount,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  until,
  untilStatus,
} from './helpers.js';

const RENDERED_NOW = '2026-12-04T12:00:42.000Z';

const sameReport = html`
  <div>
    <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
    <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
  </div>
`;

interface Pair {
  mounted: Mounted;
  first: ConnectRefreshButton;
  second: ConnectRefreshButton;
}

async function mountPair(template: TemplateResult = sameReport): Promise<Pair> {
  const mounted = await mount(template);
  const [first, second] = [...mounted.el.querySelectorAll('connect-refresh-button')];

  return { mounted, first: first!, second: second! };
}

/** Answers every status read sent so far and waits until both elements show the status. */
async function loadBoth({ mounted, first, second }: Pair): Promise<void> {
  const { gateway } = mounted;

  while (gateway.untaken > 0) {
    (await gateway.next()).respond(200, reportStatus());
  }

  await until(first, () => part(first, 'time') !== null);
  await until(second, () => part(second, 'time') !== null);
}

function succeeded() {
  return renderProgress({
    state: 'succeeded',
    next: 1,
    output: ['Done'],
    finished_at: RENDERED_NOW,
    last_rendered_at: RENDERED_NOW,
    server_time: RENDERED_NOW,
  });
}

describe('connect-refresh-button page sharing', () => {
  afterEach(() => sinon.restore());

  it('sends one status read per key', async () => {
    const pair = await mountPair();
    const { gateway } = pair.mounted;
    const read = await gateway.next();

    expect(read.url).to.equal('/gw/v1/reports/sales');
    expect(gateway.untaken).to.equal(0);
    read.respond(200, reportStatus());
    await loadBoth(pair);
    expect(gateway.requests).to.have.length(1);
  });

  it('joins a refresh started by another element', async () => {
    const pair = await mountPair();
    const { first, second, mounted: { gateway } } = pair;
    await loadBoth(pair);
    const firstEvents = recordEvents(first);
    const secondEvents = recordEvents(second);

    button(first).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-5' }));
    const poll = await gateway.next();
    await second.updateComplete;

    expect(poll.url).to.equal('/gw/v1/renders/render-5?after=0&wait=20');
    expect(second.status).to.equal('running');
    expect(gateway.untaken).to.equal(0);
    poll.respond(200, { ...succeeded(), handle: 'render-5' });
    await untilStatus(first, 'succeeded');
    await untilStatus(second, 'succeeded');

    expect(gateway.requests).to.have.length(3);
    expect(firstEvents.map((event) => event.detail)).to.deep.equal([
      {
        report: 'sales',
        handle: 'render-5',
        state: 'running',
        startedAt: '2026-12-04T12:00:00.000Z',
        lastRenderedAt: '2026-12-04T11:55:00.000Z',
        joined: false,
      },
      { report: 'sales', handle: 'render-5', state: 'succeeded', lastRenderedAt: RENDERED_NOW },
    ]);
    expect(secondEvents.map((event) => event.detail)).to.deep.equal([
      {
        report: 'sales',
        handle: 'render-5',
        state: 'running',
        startedAt: '2026-12-04T12:00:00.000Z',
        lastRenderedAt: '2026-12-04T11:55:00.000Z',
        joined: true,
      },
      { report: 'sales', handle: 'render-5', state: 'succeeded', lastRenderedAt: RENDERED_NOW },
    ]);
    expect(part(second, 'log')!.textContent).to.include('Done');
  });

  it('shares the failure of the render', async () => {
    const pair = await mountPair();
    const { first, second, mounted: { gateway } } = pair;
    await loadBoth(pair);

    button(second).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'failed', error: 'Exit 1.' }));
    await untilStatus(first, 'failed');
    await untilStatus(second, 'failed');

    expect(gateway.requests).to.have.length(3);
  });

  it('keeps the poll while an element remains', async () => {
    const pair = await mountPair();
    const { first, second, mounted: { gateway } } = pair;
    await loadBoth(pair);

    button(first).click();
    (await gateway.next()).respond(202, refreshAccepted());
    const poll = await gateway.next();
    first.remove();

    expect(poll.signal.aborted).to.equal(false);
    poll.respond(200, succeeded());
    await untilStatus(second, 'succeeded');
    expect(second.status).to.equal('succeeded');
  });

  it('aborts the poll when the last element leaves', async () => {
    const pair = await mountPair();
    const { first, second, mounted: { gateway, clock } } = pair;
    await loadBoth(pair);

    button(first).click();
    (await gateway.next()).respond(202, refreshAccepted());
    const poll = await gateway.next();
    first.remove();
    second.remove();

    expect(poll.signal.aborted).to.equal(true);
    await clock.tickAsync(0);
    expect(sharedWorkCount()).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });

  it('shares work across a trailing slash', async () => {
    const pair = await mountPair(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw/" report="sales"></connect-refresh-button>
      </div>
    `);
    const { first, second, mounted: { gateway } } = pair;
    await loadBoth(pair);

    expect(gateway.requests).to.have.length(1);
    button(first).click();
    (await gateway.next()).respond(202, refreshAccepted());
    await gateway.next();
    await second.updateComplete;

    expect(second.status).to.equal('running');
    expect(gateway.untaken).to.equal(0);
  });

  it('keeps reports and gateways apart', async () => {
    const pair = await mountPair(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="costs"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/other" report="sales"></connect-refresh-button>
      </div>
    `);
    const { first, second, mounted: { el, gateway } } = pair;
    const third = el.querySelectorAll('connect-refresh-button')[2]!;
    await loadBoth(pair);
    await until(third, () => part(third, 'time') !== null);

    expect(gateway.requests.map((request) => request.url)).to.have.members([
      '/gw/v1/reports/sales',
      '/gw/v1/reports/costs',
      '/other/v1/reports/sales',
    ]);
    button(first).click();
    (await gateway.next()).respond(202, refreshAccepted());
    await gateway.next();
    await second.updateComplete;
    await third.updateComplete;

    expect(second.status).to.equal('idle');
    expect(third.status).to.equal('idle');
  });

  it('keeps tokens apart', async () => {
    const pair = await mountPair(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales" .token=${'token-a'}>
        </connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="sales" .token=${'token-b'}>
        </connect-refresh-button>
      </div>
    `);
    const { second, mounted: { gateway } } = pair;
    await loadBoth(pair);

    const tokens = gateway.requests.map((request) => {
      return new Headers(request.init.headers).get('Authorization');
    });
    expect(tokens).to.have.members(['Bearer token-a', 'Bearer token-b']);
    button(pair.first).click();
    (await gateway.next()).respond(202, refreshAccepted());
    await gateway.next();
    await second.updateComplete;

    expect(second.status).to.equal('idle');
  });

  it('keys tokens by id only', () => {
    const first = sharingKey('/gw', 'sales', { token: 'secret-token', tokenProvider: null });
    const again = sharingKey('/gw', 'sales', { token: 'secret-token', tokenProvider: null });
    const other = sharingKey('/gw', 'sales', { token: 'other-token', tokenProvider: null });

    expect(first).to.not.include('secret-token');
    expect(again).to.equal(first);
    expect(other).to.not.equal(first);
  });
});
