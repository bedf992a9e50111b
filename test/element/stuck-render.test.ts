import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { RenderProgress } from '../../src/protocol/index.js';
import type { PendingRequest } from './gateway-double.js';
import {
  announcement,
  button,
  loadStatus,
  mount,
  type Mounted,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  text,
  until,
  untilStatus,
} from './helpers.js';

const STUCK_TEXT = 'This render has run past its time limit and may be stuck. Ask the owner of the '
  + 'report to check it.';

/** Starts a refresh and returns its first poll, still open. */
async function startRender(mounted: Mounted): Promise<PendingRequest> {
  await loadStatus(mounted);
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());

  return mounted.gateway.next();
}

/** Responds to `poll` and returns the next poll, once the element shows the response. */
async function answerPoll(
  { el, gateway }: Mounted,
  poll: PendingRequest,
  progress: Partial<RenderProgress>,
): Promise<PendingRequest> {
  poll.respond(200, renderProgress(progress));
  const next = await gateway.next();
  await el.updateComplete;

  return next;
}

describe('connect-refresh-button stuck render', () => {
  afterEach(() => sinon.restore());

  it('shows a stuck render as running', async () => {
    const mounted = await mount();
    const { el } = mounted;
    const poll = await startRender(mounted);
    const next = await answerPoll(mounted, poll, { stuck: true, output: ['chunk 3'], next: 1 });

    expect(el.status).to.equal('running');
    expect(part(el, 'stuck')!.textContent).to.equal(STUCK_TEXT);
    expect(part(el, 'progress')).to.not.equal(null);
    expect(button(el).getAttribute('aria-disabled')).to.equal('true');
    expect(next.method).to.equal('GET');
    expect(next.url).to.equal('/gw/v1/renders/render-1?after=1&wait=20');
  });

  it('shows no note before the limit', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    await answerPoll(mounted, poll, { stuck: false, output: ['chunk 1'], next: 1 });

    expect(part(mounted.el, 'stuck')).to.equal(null);
    expect(text(mounted.el)).to.not.include('may be stuck');
  });

  it('shows no note without the field', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    const { stuck: _stuck, ...withoutStuck } = renderProgress({ output: ['chunk 1'], next: 1 });
    poll.respond(200, withoutStuck);
    await mounted.gateway.next();
    await mounted.el.updateComplete;

    expect(mounted.el.status).to.equal('running');
    expect(part(mounted.el, 'stuck')).to.equal(null);
  });

  it('announces a stuck render', async () => {
    const mounted = await mount();
    const { el, clock } = mounted;
    const first = await startRender(mounted);
    await clock.tickAsync(2000);
    const second = await answerPoll(mounted, first, { stuck: true, output: ['a'], next: 1 });
    await clock.tickAsync(2000);
    await el.updateComplete;
    expect(announcement(el)).to.equal(STUCK_TEXT);

    await answerPoll(mounted, second, { stuck: true, output: ['b'], next: 2 });
    await clock.tickAsync(2000);
    await el.updateComplete;

    expect(announcement(el)).to.equal(STUCK_TEXT);
    expect(el.status).to.equal('running');
  });

  it('fires no event for a stuck render', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    const events = recordEvents(mounted.el);
    await answerPoll(mounted, poll, { stuck: true });

    expect(events).to.deep.equal([]);
  });

  it('drops the note when the render ends', async () => {
    const mounted = await mount();
    const { el } = mounted;
    const first = await startRender(mounted);
    const second = await answerPoll(mounted, first, { stuck: true, output: ['a'], next: 1 });
    second.respond(200, renderProgress({ state: 'succeeded', next: 1 }));
    await untilStatus(el, 'succeeded');
    await el.updateComplete;

    expect(part(el, 'stuck')).to.equal(null);
  });

  it('clears the flag for the next render', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    const first = await startRender(mounted);
    const second = await answerPoll(mounted, first, { stuck: true, output: ['a'], next: 1 });
    second.respond(200, renderProgress({ state: 'failed', next: 1, error: 'Exit 1' }));
    await untilStatus(el, 'failed');

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-2' }));
    await gateway.next();
    await until(el, () => el.status === 'running');
    await el.updateComplete;

    expect(part(el, 'stuck')).to.equal(null);
  });

  it('passes axe with the note', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    await answerPoll(mounted, poll, { stuck: true });
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });
});
