import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import {
  button,
  errorBody,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  refreshAccepted,
  renderProgress,
  SERVER_NOW,
} from './helpers.js';

const RENDERED_NOW = '2026-12-04T12:00:07.000Z';

/** Loads the status, clicks the button and accepts the refresh; returns the first poll. */
async function startRender(mounted: Mounted, lastRenderedAt: string | null = FIVE_MINUTES_BEFORE) {
  await loadStatus(mounted, { last_rendered_at: lastRenderedAt });
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());

  return mounted.gateway.next();
}

describe('connect-refresh-button event details', () => {
  afterEach(() => sinon.restore());

  it('start names state, start and last render', async () => {
    const mounted = await mount();
    const started = oneEvent(mounted.el, 'connect-refresh-start');
    await startRender(mounted);

    const event = await started;
    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-1',
      state: 'running',
      startedAt: SERVER_NOW,
      lastRenderedAt: FIVE_MINUTES_BEFORE,
      joined: false,
    });
  });

  it('start of a never rendered report', async () => {
    const mounted = await mount();
    const started = oneEvent(mounted.el, 'connect-refresh-start');
    await startRender(mounted, null);

    const event = await started;
    expect(event.detail.lastRenderedAt).to.equal(null);
  });

  it('success names state and render time', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    const succeeded = oneEvent(mounted.el, 'connect-refresh-success');
    poll.respond(200, renderProgress({ state: 'succeeded', last_rendered_at: RENDERED_NOW }));

    const event = await succeeded;
    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-1',
      state: 'succeeded',
      lastRenderedAt: RENDERED_NOW,
    });
  });

  it('failed render names state failed', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    const failed = oneEvent(mounted.el, 'connect-refresh-error');
    poll.respond(200, renderProgress({ state: 'failed', error: 'Error in chunk summarise.' }));

    const event = await failed;
    expect(event.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-1',
      state: 'failed',
      lastRenderedAt: FIVE_MINUTES_BEFORE,
      code: 'render_failed',
      message: 'The report failed while rendering. Try again, or ask the owner of the report to '
        + 'check its render log.',
      gatewayMessage: 'Error in chunk summarise.',
    });
  });

  it('refused request has no render state', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    const failed = oneEvent(mounted.el, 'connect-refresh-error');
    button(mounted.el).click();
    (await mounted.gateway.next()).respond(403, errorBody('forbidden', 'Not on the list.'));

    const event = await failed;
    expect(event.detail.handle).to.equal(null);
    expect(event.detail.state).to.equal(null);
    expect(event.detail.lastRenderedAt).to.equal(FIVE_MINUTES_BEFORE);
    expect(event.detail.code).to.equal('forbidden');
    expect(event.detail.message).to.be.a('string').and.not.equal('');
  });

  it('failed poll keeps the render running', async () => {
    const mounted = await mount();
    const poll = await startRender(mounted);
    const failed = oneEvent(mounted.el, 'connect-refresh-error');
    poll.respond(404, errorBody('unknown_render', 'No render "render-1".'));

    const event = await failed;
    expect(event.detail.handle).to.equal('render-1');
    expect(event.detail.state).to.equal('running');
    expect(event.detail.code).to.equal('unknown_render');
    expect(event.detail.lastRenderedAt).to.equal(FIVE_MINUTES_BEFORE);
  });
});
