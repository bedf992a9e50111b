import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { RenderSummary } from '../../src/protocol/index.js';
import type { PendingRequest } from './gateway-double.js';
import {
  answerRereads,
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  recordEvents,
  renderProgress,
  reportStatus,
  untilStatus,
} from './helpers.js';

const STARTED_AT = '2026-12-04T12:00:01.000Z';
const RENDERED_NOW = '2026-12-04T12:00:42.000Z';

/** The render that the failed refresh request may have started, as a later status read shows. */
const STARTED_RENDER: RenderSummary = { handle: 'render-5', state: 'running', started_at: STARTED_AT };

/** Ten minutes, far beyond the longest backoff step. */
const LONG_WAIT_MS = 10 * 60_000;

/**
 * Refresh requests that fail in a way that leaves open whether the gateway started a render:
 * the connection broke after sending, or a proxy or the gateway responded with a 5xx.
 */
const AMBIGUOUS_FAILURES: Array<[string, (post: PendingRequest, mounted: Mounted) => Promise<void>]> = [
  ['a network error', async (post) => {
    post.failNetwork();
    await post.bodyRead;
  }],
  ['502 from a proxy', async (post) => {
    post.respondText(502, '<html><body>Bad gateway</body></html>');
    await post.bodyRead;
  }],
  ['502 connect_error', async (post) => {
    post.respond(502, errorBody('connect_error', 'Connect answered 500.'));
    await post.bodyRead;
  }],
  ['503 connect_unavailable', async (post) => {
    post.respond(503, errorBody('connect_unavailable', 'Connect could not be reached.'));
    await post.bodyRead;
  }],
  ['a timeout', async (_post, { clock }) => {
    await clock.tickAsync(45_000);
  }],
];

/** Makes the backoff jitter pick the whole step, so each delay is exact. */
function fullSteps(): void {
  sinon.stub(Math, 'random').returns(1);
}

function posts({ gateway }: Mounted): PendingRequest[] {
  return gateway.requests.filter((request) => request.method === 'POST');
}

/** Clicks the button once the status is read and returns the refresh request. */
async function clickRefresh(mounted: Mounted): Promise<PendingRequest> {
  await loadStatus(mounted);
  button(mounted.el).click();
  const post = await mounted.gateway.next();
  expect(post.method).to.equal('POST');

  return post;
}

describe('connect-refresh-button failed refresh requests', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  for (const [name, fail] of AMBIGUOUS_FAILURES) {
    it(`adopts the render after ${name}`, async () => {
      fullSteps();
      const mounted = await mount();
      const { el, gateway, clock } = mounted;
      const post = await clickRefresh(mounted);
      await fail(post, mounted);
      await untilStatus(el, 'failed');

      await clock.tickAsync(5000);
      const read = await gateway.next();
      expect(read.method).to.equal('GET');
      expect(read.url).to.equal('/gw/v1/reports/sales');
      read.respond(200, reportStatus({ render: STARTED_RENDER }));
      const poll = await gateway.next();
      expect(poll.url).to.equal('/gw/v1/renders/render-5?after=0&wait=20');
      await untilStatus(el, 'running');
      poll.respond(200, renderProgress({
        handle: 'render-5',
        state: 'succeeded',
        started_at: STARTED_AT,
        finished_at: RENDERED_NOW,
        last_rendered_at: RENDERED_NOW,
      }));
      await untilStatus(el, 'succeeded');

      expect(posts(mounted)).to.have.length(1);
    });
  }

  it('reads the status before a second click posts', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    const post = await clickRefresh(mounted);
    post.failNetwork();
    await untilStatus(el, 'failed');
    const events = recordEvents(el);

    button(el).click();
    const read = await gateway.next();
    expect(read.method).to.equal('GET');
    read.respond(200, reportStatus({ render: STARTED_RENDER }));
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-5?after=0&wait=20');

    expect(posts(mounted)).to.have.length(1);
    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-start']);
    expect(events[0]!.detail).to.deep.include({ handle: 'render-5', joined: true });
  });

  it('posts again only on a click', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const post = await clickRefresh(mounted);
    post.respond(503, errorBody('connect_unavailable', 'Connect could not be reached.'));
    await post.bodyRead;
    await untilStatus(el, 'failed');
    await clock.tickAsync(5000);
    (await gateway.next()).respond(200, reportStatus());
    await untilStatus(el, 'idle');

    const urls = await answerRereads(mounted, LONG_WAIT_MS);
    expect(urls.every((url) => url === 'GET /gw/v1/reports/sales'), urls.join(', ')).to.equal(true);
    expect(posts(mounted)).to.have.length(1);

    button(el).click();
    expect((await gateway.next()).method).to.equal('POST');
    expect(posts(mounted)).to.have.length(2);
  });

  it('keeps one render through repeated failures', async () => {
    fullSteps();
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const post = await clickRefresh(mounted);
    post.failNetwork();
    await untilStatus(el, 'failed');

    for (const delayMs of [5000, 10_000, 20_000]) {
      await clock.tickAsync(delayMs);
      const read = await gateway.next();
      expect(read.method).to.equal('GET');
      read.failNetwork();
      await read.bodyRead;
    }

    await clock.tickAsync(40_000);
    (await gateway.next()).respond(200, reportStatus({ render: STARTED_RENDER }));
    await untilStatus(el, 'running');

    expect(posts(mounted)).to.have.length(1);
  });
});
