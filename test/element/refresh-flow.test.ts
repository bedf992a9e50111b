import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import { ANNOUNCEMENT_GAP_MS } from '../../src/element/live-announcer.js';
import {
  announcement,
  button,
  loadStatus,
  mount,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  text,
  until,
  untilStatus,
} from './helpers.js';

const RENDERED_NOW = '2026-12-04T12:00:42.000Z';
const RESUMED_START = '2026-12-04T11:58:00.000Z';

describe('connect-refresh-button refresh', () => {
  afterEach(() => sinon.restore());

  it('starts, follows and succeeds', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);

    button(el).click();
    await el.updateComplete;
    expect(el.status).to.equal('starting');

    const post = await gateway.next();
    expect(post.url).to.equal('/gw/v1/reports/sales/refresh');
    expect(post.method).to.equal('POST');
    expect(new Headers(post.init.headers).get('Content-Type')).to.equal('application/json');
    expect(post.init.body).to.equal('{}');
    post.respond(202, refreshAccepted({ handle: 'render-7' }));

    const firstPoll = await gateway.next();
    expect(el.status).to.equal('running');
    expect(firstPoll.url).to.equal('/gw/v1/renders/render-7?after=0&wait=20');
    const output = ['Loading data'];
    firstPoll.respond(200, renderProgress({ handle: 'render-7', output, next: 1 }));

    const secondPoll = await gateway.next();
    expect(secondPoll.url).to.equal('/gw/v1/renders/render-7?after=1&wait=20');
    secondPoll.respond(200, renderProgress({
      handle: 'render-7',
      state: 'succeeded',
      output: ['Done'],
      next: 2,
      finished_at: RENDERED_NOW,
      last_rendered_at: RENDERED_NOW,
      server_time: RENDERED_NOW,
    }));
    await untilStatus(el, 'succeeded');

    expect(events).to.deep.equal([
      {
        type: 'connect-refresh-start',
        detail: {
          report: 'sales',
          handle: 'render-7',
          state: 'running',
          startedAt: '2026-12-04T12:00:00.000Z',
          lastRenderedAt: '2026-12-04T11:55:00.000Z',
          joined: false,
        },
      },
      {
        type: 'connect-refresh-success',
        detail: { report: 'sales', handle: 'render-7', state: 'succeeded', lastRenderedAt: RENDERED_NOW },
      },
    ]);
  });

  it('shows the new render time after success', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({
      state: 'succeeded',
      last_rendered_at: RENDERED_NOW,
      server_time: RENDERED_NOW,
    }));
    await untilStatus(el, 'succeeded');
    await el.updateComplete;

    expect(part(el, 'time')!.textContent).to.equal('now');
    expect(part(el, 'time')!.getAttribute('datetime')).to.equal(RENDERED_NOW);
    // The end came right after the start, so its announcement waits for the gap.
    await mounted.clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await el.updateComplete;
    expect(announcement(el)).to.equal('Refresh finished.');
  });

  it('stays running until the render succeeds', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ output: ['step 1'], next: 1 }));
    (await gateway.next()).respond(200, renderProgress({ output: ['step 2'], next: 2 }));
    const pending = await gateway.next();
    await clock.tickAsync(15_000);
    await el.updateComplete;

    expect(el.status).to.equal('running');
    expect(events.map((event) => event.type)).to.deep.equal(['connect-refresh-start']);
    expect(pending.signal.aborted).to.equal(false);
    expect(part(el, 'log')!.textContent).to.include('step 1\nstep 2');
  });

  it('shows elapsed time and progress while running', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);

    button(el).click();
    const startedAt = '2026-12-04T11:59:58.000Z';
    (await gateway.next()).respond(202, refreshAccepted({ started_at: startedAt }));
    await gateway.next();
    await el.updateComplete;

    expect(text(el)).to.include('Rendering 0:02');
    expect(part(el, 'progress')!.getAttribute('aria-label')).to.equal('Rendering Sales overview');
    expect(part(el, 'progress')!.hasAttribute('value')).to.equal(false);
    await clock.tickAsync(1000);
    expect(text(el)).to.include('Rendering 0:03');
    await clock.tickAsync(60_000);
    expect(text(el)).to.include('Rendering 1:03');
  });

  it('reports a failed render', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({
      state: 'failed',
      output: ['Error in query: table not found'],
      next: 1,
      error: 'The render process exited with code 1.',
    }));
    await untilStatus(el, 'failed');
    await el.updateComplete;

    const message = 'The report failed while rendering. Try again, or ask the owner of the '
      + 'report to check its render log.';
    const gatewayMessage = 'The render process exited with code 1.';
    expect(part(el, 'message')!.textContent).to.equal(message);
    expect(part(el, 'detail')!.textContent).to.include(gatewayMessage);
    expect(part(el, 'log')!.textContent).to.include('Error in query: table not found');
    await mounted.clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await el.updateComplete;
    expect(announcement(el)).to.equal(`Refresh failed. ${message}`);
    expect(events[1]).to.deep.equal({
      type: 'connect-refresh-error',
      detail: {
        report: 'sales',
        handle: 'render-1',
        state: 'failed',
        lastRenderedAt: '2026-12-04T11:55:00.000Z',
        code: 'render_failed',
        message,
        gatewayMessage,
      },
    });
    expect(part(el, 'time')!.textContent).to.equal('5 minutes ago');
  });

  it('follows a joined render', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    button(el).click();
    const started = oneEvent(el, 'connect-refresh-start');
    (await gateway.next()).respond(202, refreshAccepted({ handle: 'render-3', joined: true }));
    const event = await started;

    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-3',
      state: 'running',
      startedAt: '2026-12-04T12:00:00.000Z',
      lastRenderedAt: '2026-12-04T11:55:00.000Z',
      joined: true,
    });
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-3?after=0&wait=20');
    expect(el.status).to.equal('running');
    expect(announcement(el)).to.equal('Joined a refresh that was already running.');
  });

  it('resumes a render found running on connect', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    const started = oneEvent(el, 'connect-refresh-start');
    const render = { handle: 'render-9', state: 'running' as const, started_at: RESUMED_START };
    (await gateway.next()).respond(200, reportStatus({ render }));

    const event = await started;
    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-9',
      state: 'running',
      startedAt: RESUMED_START,
      lastRenderedAt: '2026-12-04T11:55:00.000Z',
      joined: true,
    });
    expect((await gateway.next()).url).to.equal('/gw/v1/renders/render-9?after=0&wait=20');
    await until(el, () => el.status === 'running');
    expect(el.getAttribute('status')).to.equal('running');
  });

  it('refreshes again after success', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    el.startRefresh();
    const post = await gateway.next();

    expect(post.method).to.equal('POST');
    expect(el.status).to.equal('starting');
  });
});
