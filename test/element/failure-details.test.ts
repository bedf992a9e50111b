import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import type { GatewayErrorCode } from '../../src/protocol/index.js';
import {
  announcement,
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

const NOT_RENDERABLE = 'Report sales is Connect content of type "shiny", which Connect runs '
  + 'rather than renders; configure a rendered report (R Markdown, Quarto or Jupyter).';
const CONNECT_ERROR = 'Connect does not know the content configured for report sales '
  + '(HTTP 404, code 4); check the GUID in the gateway config.';
const EXIT_STATUS = 'Unable to render: Rendering exited abnormally: exit status 3';
const RENDER_FAILED_MESSAGE = 'The report failed while rendering. Try again, or ask the owner '
  + 'of the report to check its render log.';

/** Clicks the button, responds to the refresh request, and returns the error event. */
async function failRefresh(
  mounted: Mounted,
  status: number,
  code: GatewayErrorCode,
  message: string,
) {
  await loadStatus(mounted);
  const failed = oneEvent(mounted.el, 'connect-refresh-error');
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(status, errorBody(code, message));
  const event = await failed;
  await mounted.el.updateComplete;

  return event;
}

/** Starts a refresh whose render fails with `error`, and returns the error event. */
async function failRender(mounted: Mounted, error: string | null) {
  await loadStatus(mounted);
  const failed = oneEvent(mounted.el, 'connect-refresh-error');
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());
  (await mounted.gateway.next()).respond(200, renderProgress({ state: 'failed', error }));
  const event = await failed;
  await untilStatus(mounted.el, 'failed');
  await mounted.el.updateComplete;

  return event;
}

function detail(el: HTMLElement): HTMLDetailsElement | null {
  return part(el, 'detail') as HTMLDetailsElement | null;
}

describe('connect-refresh-button failure details', () => {
  afterEach(() => sinon.restore());

  it('blames the setup for not_renderable', async () => {
    const mounted = await mount();
    const event = await failRefresh(mounted, 502, 'not_renderable', NOT_RENDERABLE);
    const message = part(mounted.el, 'message')!.textContent!;

    expect(mounted.el.status).to.equal('unavailable');
    expect(message).to.match(/^This report is set up wrong on the refresh service/);
    expect(message).to.include('Ask the administrator of the refresh service');
    expect(message).to.not.match(/try again/i);
    expect(message).to.not.include('unavailable right now');
    expect(event.detail.code).to.equal('not_renderable');
    expect(event.detail.message).to.equal(message);
    expect(event.detail.gatewayMessage).to.equal(NOT_RENDERABLE);
  });

  it('says Connect returned an error for connect_error', async () => {
    const mounted = await mount();
    const event = await failRefresh(mounted, 502, 'connect_error', CONNECT_ERROR);
    const message = part(mounted.el, 'message')!.textContent!;

    expect(message).to.equal(
      'Connect returned an error to the refresh service. Try again later.');
    expect(event.detail.code).to.equal('connect_error');
    expect(event.detail.gatewayMessage).to.equal(CONNECT_ERROR);
  });

  it('shows the gateway message one click away', async () => {
    const mounted = await mount();
    await failRefresh(mounted, 502, 'connect_error', CONNECT_ERROR);
    const block = detail(mounted.el)!;

    expect(block.tagName).to.equal('DETAILS');
    expect(block.open).to.equal(false);
    expect(block.querySelector('summary')!.textContent).to.equal('Details');
    expect(block.textContent).to.include(CONNECT_ERROR);
    expect(part(mounted.el, 'message')!.textContent).to.not.include(CONNECT_ERROR);
    expect(announcement(mounted.el)).to.not.include(CONNECT_ERROR);
  });

  for (const [status, code, text] of [
    [403, 'forbidden', 'user alice is not allowed to refresh report sales'],
    [403, 'connect_forbidden', 'Connect refused the API key for report sales (HTTP 403).'],
    [404, 'unknown_report', 'No report "sales".'],
    [500, 'internal_error', 'The gateway failed; see its log.'],
    [503, 'connect_unavailable', 'Connect could not be reached while handling report sales.'],
  ] as Array<[number, GatewayErrorCode, string]>) {
    it(`keeps the gateway message of ${code}`, async () => {
      const mounted = await mount();
      const event = await failRefresh(mounted, status, code, text);

      expect(event.detail.code).to.equal(code);
      expect(event.detail.gatewayMessage).to.equal(text);
      expect(event.detail.message).to.not.equal(text);
      expect(detail(mounted.el)!.textContent).to.include(text);
    });
  }

  it('does not repeat a quoted gateway message', async () => {
    const mounted = await mount();
    const text = 'Too many refreshes; wait 60 seconds.';
    const event = await failRefresh(mounted, 429, 'rate_limited', text);

    expect(part(mounted.el, 'message')!.textContent).to.equal(text);
    expect(event.detail.gatewayMessage).to.equal(text);
    expect(detail(mounted.el)).to.equal(null);
  });

  it('has no detail after a network error', async () => {
    const { el, gateway } = await mount();
    const failed = oneEvent(el, 'connect-refresh-error');
    (await gateway.next()).failNetwork();
    const event = await failed;
    await el.updateComplete;

    expect(event.detail.gatewayMessage).to.equal(null);
    expect(part(el, 'message')).to.not.equal(null);
    expect(detail(el)).to.equal(null);
  });

  it('says once that the render failed', async () => {
    const mounted = await mount();
    const event = await failRender(mounted, EXIT_STATUS);
    const message = part(mounted.el, 'message')!.textContent!;

    expect(message).to.equal(RENDER_FAILED_MESSAGE);
    expect(message).to.not.include('Unable to render');
    expect(detail(mounted.el)!.textContent).to.include(EXIT_STATUS);
    expect(event.detail.message).to.equal(message);
    expect(event.detail.gatewayMessage).to.equal(EXIT_STATUS);
  });

  it('has no detail for a render without a reason', async () => {
    const mounted = await mount();
    const event = await failRender(mounted, null);

    expect(part(mounted.el, 'message')!.textContent).to.equal(RENDER_FAILED_MESSAGE);
    expect(event.detail.gatewayMessage).to.equal(null);
    expect(detail(mounted.el)).to.equal(null);
  });

  it('clears the detail on the next refresh', async () => {
    const mounted = await mount();
    await failRender(mounted, EXIT_STATUS);
    button(mounted.el).click();
    await mounted.gateway.next();
    await mounted.el.updateComplete;

    expect(mounted.el.status).to.equal('starting');
    expect(detail(mounted.el)).to.equal(null);
  });

  it('passes axe with the detail open', async () => {
    const mounted = await mount();
    await failRender(mounted, EXIT_STATUS);
    detail(mounted.el)!.open = true;
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });
});
