import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/element/locales/de.js';
import { renderStorageKey } from '../../src/element/render-memory.js';
import {
  announcement,
  answerRereads,
  button,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  until,
  untilStatus,
} from './helpers.js';

/** The gateway's reason for a lost render. */
const LOST_REASON = 'Connect no longer knows the render task.';

/** A last render time after the lost render started, as when the render succeeded after all. */
const RENDERED_LATER = '2026-12-04T12:00:30.000Z';

/** Starts a refresh and responds to the first poll with the gateway's `unknown` state. */
async function loseRender(mounted: Mounted): Promise<void> {
  const { el, gateway } = mounted;
  button(el).click();
  (await gateway.next()).respond(202, refreshAccepted());
  (await gateway.next()).respond(200, renderProgress({
    state: 'unknown',
    error: LOST_REASON,
    finished_at: null,
  }));
  await untilStatus(el, 'unknown');
  await el.updateComplete;
}

describe('connect-refresh-button lost render', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  it('shows the unknown status', async () => {
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    await loseRender(mounted);

    expect(el.getAttribute('status')).to.equal('unknown');
    expect(part(el, 'message')!.textContent).to.equal(
      'The refresh service lost this render, so its outcome is unknown. Check whether the report '
      + 'was updated, or refresh again.',
    );
    expect(part(el, 'detail')!.textContent).to.include(LOST_REASON);
    expect(part(el, 'progress')).to.equal(null);
    expect(button(el).getAttribute('aria-disabled')).to.equal('false');
  });

  it('announces the unknown outcome', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    const { el, clock } = mounted;
    await loseRender(mounted);
    await clock.tickAsync(2000);
    await el.updateComplete;

    expect(announcement(el)).to.equal(
      'Refresh outcome unknown. The refresh service lost this render, so its outcome is unknown. '
      + 'Check whether the report was updated, or refresh again.',
    );
  });

  it('fires an error with the unknown state', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    const events = recordEvents(mounted.el);
    await loseRender(mounted);

    expect(events.map((event) => event.type)).to.deep.equal([
      'connect-refresh-start',
      'connect-refresh-error',
    ]);
    expect(events[1]!.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-1',
      state: 'unknown',
      lastRenderedAt: FIVE_MINUTES_BEFORE,
      code: 'render_unknown',
      message: 'The refresh service lost this render, so its outcome is unknown. Check whether the '
        + 'report was updated, or refresh again.',
      gatewayMessage: LOST_REASON,
    });
  });

  it('reads the last render time again', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    await loseRender(mounted);

    const read = await gateway.next();
    expect(read.method).to.equal('GET');
    expect(read.url).to.equal('/gw/v1/reports/sales');
    read.respond(200, reportStatus({ last_rendered_at: RENDERED_LATER }));
    await until(el, () => part(el, 'time')?.getAttribute('datetime') === RENDERED_LATER);

    expect(el.status).to.equal('unknown');
  });

  it('keeps the status through later reads', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    await loseRender(mounted);
    (await gateway.next()).respond(200, reportStatus());

    const urls = await answerRereads(mounted, 120_000);

    expect(urls.length, 'periodic status reads').to.be.greaterThan(0);
    expect(el.status).to.equal('unknown');
  });

  it('forgets the stored handle', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    await loseRender(mounted);

    expect(sessionStorage.getItem(renderStorageKey('/gw', 'sales'))).to.equal(null);
  });

  it('starts a new render on click', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    await loseRender(mounted);
    (await gateway.next()).respond(200, reportStatus());
    await el.updateComplete;

    button(el).click();
    const post = await gateway.next();
    expect(post.method).to.equal('POST');
    expect(post.url).to.equal('/gw/v1/reports/sales/refresh');
    post.respond(202, refreshAccepted({ handle: 'render-2' }));
    await untilStatus(el, 'running');
    await el.updateComplete;

    expect(part(el, 'message')).to.equal(null);
  });

  it('shows the German message', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="de" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    await loadStatus(mounted);
    await loseRender(mounted);

    expect(part(mounted.el, 'message')!.textContent).to.include(
      'Der Aktualisierungsdienst hat diesen Render-Vorgang verloren',
    );
  });

  it('passes axe when unknown', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    await loseRender(mounted);
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });
});
