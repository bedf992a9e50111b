import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import { ANNOUNCEMENT_GAP_MS } from '../../src/element/live-announcer.js';
import type { CancelResult } from '../../src/protocol/index.js';
import '../../src/element/locales/de.js';
import '../../src/element/locales/ja.js';
import {
  announcement,
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  SERVER_NOW,
  text,
  until,
  untilStatus,
} from './helpers.js';
import type { PendingRequest } from './gateway-double.js';

const CANCEL_URL = '/gw/v1/renders/render-1/cancel';
const CANCELLED_NOTE = 'A report owner cancelled the render.';

function cancelResult(overrides: Partial<CancelResult> = {}): CancelResult {
  return {
    handle: 'render-1',
    state: 'cancelled',
    finished_at: SERVER_NOW,
    error: CANCELLED_NOTE,
    server_time: SERVER_NOW,
    ...overrides,
  };
}

function focused(mounted: Mounted): Element | null {
  return mounted.el.shadowRoot!.activeElement;
}

function cancelRequests(mounted: Mounted): PendingRequest[] {
  return mounted.gateway.requests.filter((request) => request.url === CANCEL_URL);
}

/**
 * Loads a status that lets this person cancel, when `canCancel` is true, starts a refresh, and
 * returns the open poll of the running render.
 */
async function startRunning(mounted: Mounted, canCancel = true): Promise<PendingRequest> {
  await loadStatus(mounted, { can_cancel: canCancel });
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());
  const poll = await mounted.gateway.next();
  await untilStatus(mounted.el, 'running');
  await mounted.el.updateComplete;

  return poll;
}

/** Clicks "Cancel render" and waits for the question. */
async function askToCancel(mounted: Mounted): Promise<void> {
  part(mounted.el, 'cancel')!.click();
  await until(mounted.el, () => part(mounted.el, 'cancel-question') !== null);
  await mounted.el.updateComplete;
}

/** Confirms the question and returns the cancel request. */
async function confirmCancel(mounted: Mounted): Promise<PendingRequest> {
  part(mounted.el, 'cancel-confirm')!.click();

  return mounted.gateway.next();
}

describe('connect-refresh-button cancel control', () => {
  afterEach(() => sinon.restore());

  it('shows while a permitted render runs', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    const control = part(mounted.el, 'cancel')!;

    expect(control).to.not.equal(null);
    expect(control.tagName).to.equal('BUTTON');
    expect(control.textContent!.trim()).to.equal('Cancel render');
  });

  it('hides without permission', async () => {
    const mounted = await mount();
    await startRunning(mounted, false);

    expect(part(mounted.el, 'cancel')).to.equal(null);
  });

  it('hides when no render runs', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { can_cancel: true });

    expect(mounted.el.status).to.equal('idle');
    expect(part(mounted.el, 'cancel')).to.equal(null);
  });

  it('hides after the render ends', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    poll.respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'cancel')).to.equal(null);
  });

  it('hides for a gateway without can_cancel', async () => {
    const mounted = await mount();
    const read = await mounted.gateway.next();
    const { can_cancel: _omitted, ...olderStatus } = reportStatus();
    read.respond(200, olderStatus);
    await until(mounted.el, () => part(mounted.el, 'time') !== null);
    button(mounted.el).click();
    (await mounted.gateway.next()).respond(202, refreshAccepted());
    await mounted.gateway.next();
    await untilStatus(mounted.el, 'running');
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'cancel')).to.equal(null);
  });

  it('asks before cancelling', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    const question = part(mounted.el, 'cancel-question')!;

    expect(question.querySelector('#cancel-question-text')!.textContent)
      .to.equal('Cancel this render? The report keeps its last output.');
    expect(question.getAttribute('role')).to.equal('group');
    expect(question.getAttribute('aria-labelledby')).to.equal('cancel-question-text');
    expect(part(mounted.el, 'cancel-confirm')!.textContent!.trim()).to.equal('Cancel render');
    expect(part(mounted.el, 'cancel-keep')!.textContent!.trim()).to.equal('Keep rendering');
    expect(part(mounted.el, 'cancel')).to.equal(null);
    expect(focused(mounted)).to.equal(question);
    expect(cancelRequests(mounted)).to.have.length(0);
  });

  it('keeps rendering when dismissed', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    part(mounted.el, 'cancel-keep')!.click();
    await until(mounted.el, () => part(mounted.el, 'cancel') !== null);
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'cancel-question')).to.equal(null);
    expect(focused(mounted)).to.equal(part(mounted.el, 'cancel'));
    expect(cancelRequests(mounted)).to.have.length(0);
    expect(mounted.el.status).to.equal('running');
  });

  it('closes the question with Escape', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    // sendKeys needs real timers.
    mounted.clock.restore();
    await sendKeys({ press: 'Tab' });
    expect(focused(mounted)).to.equal(part(mounted.el, 'cancel-confirm'));

    await sendKeys({ press: 'Escape' });
    await until(mounted.el, () => part(mounted.el, 'cancel-question') === null);
    await mounted.el.updateComplete;

    expect(focused(mounted)).to.equal(part(mounted.el, 'cancel'));
    expect(cancelRequests(mounted)).to.have.length(0);
  });

  it('sends the cancel once confirmed', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    const request = await confirmCancel(mounted);
    await mounted.el.updateComplete;

    expect(request.method).to.equal('POST');
    expect(request.url).to.equal(CANCEL_URL);
    expect(new Headers(request.init.headers).get('Content-Type')).to.equal('application/json');
    expect(request.init.body).to.equal('{}');
    expect(part(mounted.el, 'cancel-question')).to.equal(null);
    expect(part(mounted.el, 'cancel-status')!.textContent).to.equal('Cancelling…');
    expect(part(mounted.el, 'cancel')).to.equal(null);
    expect(focused(mounted)).to.equal(button(mounted.el));
    expect(mounted.el.status).to.equal('running');
  });

  it('shows the cancelled end', async () => {
    const mounted = await mount();
    const events = recordEvents(mounted.el);
    const poll = await startRunning(mounted);
    await askToCancel(mounted);
    (await confirmCancel(mounted)).respond(200, cancelResult());
    poll.respond(200, renderProgress({
      state: 'cancelled',
      finished_at: SERVER_NOW,
      error: CANCELLED_NOTE,
    }));
    await untilStatus(mounted.el, 'cancelled');
    await mounted.el.updateComplete;

    expect(mounted.el.getAttribute('status')).to.equal('cancelled');
    expect(part(mounted.el, 'message')!.textContent)
      .to.equal('A report owner cancelled the render. The report keeps its last output.');
    expect(part(mounted.el, 'detail'), 'the gateway note repeats the message').to.equal(null);
    expect(part(mounted.el, 'cancel-status')).to.equal(null);
    await mounted.clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await mounted.el.updateComplete;
    expect(announcement(mounted.el)).to.equal(
      'Refresh cancelled. A report owner cancelled the render. The report keeps its last output.',
    );
    expect(button(mounted.el).getAttribute('aria-disabled')).to.equal('false');

    const last = events.at(-1)!;
    expect(last.type).to.equal('connect-refresh-error');
    expect(last.detail).to.deep.equal({
      report: 'sales',
      handle: 'render-1',
      state: 'cancelled',
      lastRenderedAt: '2026-12-04T11:55:00.000Z',
      code: 'render_cancelled',
      message: 'A report owner cancelled the render. The report keeps its last output.',
      gatewayMessage: CANCELLED_NOTE,
    });
  });

  it('follows the end the poll reports', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    await askToCancel(mounted);
    const request = await confirmCancel(mounted);
    // The render succeeded before the order took effect.
    poll.respond(200, renderProgress({ state: 'succeeded', finished_at: SERVER_NOW }));
    await untilStatus(mounted.el, 'succeeded');
    request.respond(200, cancelResult({ state: 'succeeded', error: null }));
    await request.bodyRead;
    await mounted.el.updateComplete;

    expect(mounted.el.status).to.equal('succeeded');
    expect(part(mounted.el, 'cancel-status')).to.equal(null);
  });

  it('keeps waiting while the order runs', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    const request = await confirmCancel(mounted);
    request.respond(200, cancelResult({ state: 'running', finished_at: null, error: null }));
    await request.bodyRead;
    await mounted.clock.tickAsync(0);
    await mounted.el.updateComplete;

    expect(mounted.el.status).to.equal('running');
    expect(part(mounted.el, 'cancel-status')!.textContent).to.equal('Cancelling…');
    expect(part(mounted.el, 'cancel')).to.equal(null);
  });

  it('shows a refused cancel', async () => {
    const mounted = await mount();
    const events = recordEvents(mounted.el);
    await startRunning(mounted);
    await askToCancel(mounted);
    const request = await confirmCancel(mounted);
    request.respond(403, errorBody('forbidden', 'token other is not allowed to cancel report sales.'));
    await until(mounted.el, () => part(mounted.el, 'cancel') !== null);
    await mounted.el.updateComplete;

    const expected = 'The render could not be cancelled. You are not allowed to cancel renders of '
      + 'this report. Ask the administrator of the refresh service for access.';
    expect(mounted.el.status).to.equal('running');
    expect(part(mounted.el, 'message')!.textContent).to.equal(expected);
    expect(part(mounted.el, 'detail')!.textContent).to.contain('token other is not allowed');
    await mounted.clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await mounted.el.updateComplete;
    expect(announcement(mounted.el)).to.equal(expected);

    const last = events.at(-1)!;
    expect(last.type).to.equal('connect-refresh-error');
    expect(last.detail).to.deep.include({
      handle: 'render-1',
      state: 'running',
      code: 'forbidden',
      message: expected,
      gatewayMessage: 'token other is not allowed to cancel report sales.',
    });
  });

  it('shows a cancel that failed on the way', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    (await confirmCancel(mounted)).failNetwork();
    await until(mounted.el, () => part(mounted.el, 'cancel') !== null);
    await mounted.el.updateComplete;

    expect(mounted.el.status).to.equal('running');
    expect(part(mounted.el, 'message')!.textContent).to.equal('The render could not be cancelled. '
      + 'The refresh service could not be reached. Check your connection and try again later.');
  });

  it('tries again after a failure', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await askToCancel(mounted);
    (await confirmCancel(mounted)).respond(503, errorBody('connect_unavailable', 'Connect is down.'));
    await until(mounted.el, () => part(mounted.el, 'cancel') !== null);
    await askToCancel(mounted);
    const second = await confirmCancel(mounted);
    await mounted.el.updateComplete;

    expect(second.url).to.equal(CANCEL_URL);
    expect(cancelRequests(mounted)).to.have.length(2);
    expect(part(mounted.el, 'message'), 'the old failure stays shown').to.equal(null);
  });

  it('closes the question when the render ends', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    await askToCancel(mounted);
    poll.respond(200, renderProgress({ state: 'failed', error: 'Exit 1' }));
    await untilStatus(mounted.el, 'failed');
    await mounted.el.updateComplete;
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'cancel-question')).to.equal(null);
    expect(focused(mounted)).to.equal(button(mounted.el));
    expect(cancelRequests(mounted)).to.have.length(0);
  });

  it('refreshes again after a cancel', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    poll.respond(200, renderProgress({ state: 'cancelled', error: CANCELLED_NOTE }));
    await untilStatus(mounted.el, 'cancelled');
    button(mounted.el).click();
    const post = await mounted.gateway.next();

    expect(post.method).to.equal('POST');
    expect(post.url).to.equal('/gw/v1/reports/sales/refresh');
    post.respond(202, refreshAccepted({ handle: 'render-2' }));
    await untilStatus(mounted.el, 'running');
    await mounted.el.updateComplete;
    expect(part(mounted.el, 'message')).to.equal(null);
    expect(text(mounted.el)).to.contain('Cancel render');
  });

  for (const [lang, label, cancelled] of [
    ['de', 'Rendern abbrechen', 'Eine für den Bericht verantwortliche Person hat den '
      + 'Render-Vorgang abgebrochen. Der Bericht behält seine letzte Ausgabe.'],
    ['ja', 'レンダリングを中止', 'レポートの所有者がレンダリングを中止しました。レポートは前回の出力のままです。'],
  ] as const) {
    it(`speaks ${lang}`, async () => {
      const mounted = await mount(html`
        <connect-refresh-button lang=${lang} gateway="/gw" report="sales"></connect-refresh-button>
      `);
      const poll = await startRunning(mounted);
      expect(part(mounted.el, 'cancel')!.textContent!.trim()).to.equal(label);

      poll.respond(200, renderProgress({ state: 'cancelled', error: CANCELLED_NOTE }));
      await untilStatus(mounted.el, 'cancelled');
      await mounted.el.updateComplete;
      expect(part(mounted.el, 'message')!.textContent).to.equal(cancelled);
    });
  }
});
