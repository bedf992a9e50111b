import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import {
  POLL_TIMEOUT_MARGIN_MS,
  REQUEST_TIMEOUT_MS,
  cancelRender,
  gatewayUrl,
  readRenderProgress,
  readReportStatus,
  requestRefresh,
} from '../../src/element/gateway-client.js';
import { GatewayNetworkError, GatewayRequestError } from '../../src/element/gateway-errors.js';
import { GatewayDouble } from './gateway-double.js';
import { errorBody, refreshAccepted, renderProgress, reportStatus } from './helpers.js';

/** Returns the rejection reason of a promise, failing when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }

  throw new Error('expected the promise to reject, but it resolved');
}

describe('gateway client', () => {
  afterEach(() => sinon.restore());

  for (const [base, expected] of [
    ['/gw', '/gw/v1/x'],
    ['/gw/', '/gw/v1/x'],
    ['/gw//', '/gw/v1/x'],
    [' https://gw.example/base/ ', 'https://gw.example/base/v1/x'],
    ['/', '/v1/x'],
  ]) {
    it(`joins "${base}"`, () => {
      expect(gatewayUrl(base!, 'v1/x')).to.equal(expected);
    });
  }

  it('returns the report status', async () => {
    const gateway = new GatewayDouble();
    const reading = readReportStatus('/gw', 'sales', new AbortController().signal);
    (await gateway.next()).respond(200, reportStatus());

    expect(await reading).to.deep.equal(reportStatus());
  });

  it('posts an empty JSON body', async () => {
    const gateway = new GatewayDouble();
    const requesting = requestRefresh('/gw', 'sales', new AbortController().signal);
    const post = await gateway.next();
    post.respond(202, refreshAccepted());

    expect(await requesting).to.deep.equal(refreshAccepted());
    expect(post.method).to.equal('POST');
    expect(post.init.body).to.equal('{}');
    expect(post.init.credentials).to.equal('same-origin');
  });

  for (const [withCredentials, mode] of [
    [undefined, 'same-origin'],
    [false, 'same-origin'],
    [true, 'include'],
  ] as const) {
    it(`fetches with ${mode} for withCredentials ${withCredentials}`, async () => {
      const gateway = new GatewayDouble();
      const signal = new AbortController().signal;
      const auth = { token: 'tok.en', withCredentials };
      void readReportStatus('/gw', 'sales', signal, auth);
      void requestRefresh('/gw', 'sales', signal, auth);
      void readRenderProgress('/gw', 'render-1', 0, 20, signal, auth);
      const read = await gateway.next();
      const post = await gateway.next();
      const poll = await gateway.next();

      expect(read.init.credentials).to.equal(mode);
      expect(post.init.credentials).to.equal(mode);
      expect(poll.init.credentials).to.equal(mode);
      expect(new Headers(post.init.headers).get('Authorization')).to.equal('Bearer tok.en');
    });
  }

  it('posts a cancel with an empty JSON body', async () => {
    const gateway = new GatewayDouble();
    const result = {
      handle: 'h/1',
      state: 'cancelled',
      finished_at: '2026-12-04T12:00:05.000Z',
      error: 'A report owner cancelled the render.',
      server_time: '2026-12-04T12:00:05.100Z',
    };
    const cancelling = cancelRender('/gw', 'h/1', new AbortController().signal, { token: 'tok' });
    const post = await gateway.next();
    post.respond(200, result);

    expect(await cancelling).to.deep.equal(result);
    expect(post.url).to.equal('/gw/v1/renders/h%2F1/cancel');
    expect(post.method).to.equal('POST');
    expect(post.init.body).to.equal('{}');
    const headers = new Headers(post.init.headers);
    expect(headers.get('Content-Type')).to.equal('application/json');
    expect(headers.get('Authorization')).to.equal('Bearer tok');
  });

  it('rejects a cancel result of an unknown state', async () => {
    const gateway = new GatewayDouble();
    const cancelling = cancelRender('/gw', 'h1', new AbortController().signal);
    (await gateway.next()).respond(200, {
      handle: 'h1', state: 'stopped', finished_at: null, error: null, server_time: 'now',
    });
    const error = await rejectionOf(cancelling);

    expect(error).to.be.instanceOf(GatewayRequestError);
    expect((error as GatewayRequestError).code).to.equal('invalid_response');
  });

  it('turns an error body into GatewayRequestError', async () => {
    const gateway = new GatewayDouble();
    const reading = readReportStatus('/gw', 'sales', new AbortController().signal);
    (await gateway.next()).respond(404, errorBody('unknown_report', 'No report "sales".'));
    const error = await rejectionOf(reading);

    expect(error).to.be.instanceOf(GatewayRequestError);
    const requestError = error as GatewayRequestError;
    expect(requestError.status).to.equal(404);
    expect(requestError.code).to.equal('unknown_report');
    expect(requestError.message).to.equal(
      'GET /gw/v1/reports/sales failed with HTTP 404 (unknown_report): No report "sales".');
  });

  it('rejects a body with missing fields', async () => {
    const gateway = new GatewayDouble();
    const polling = readRenderProgress('/gw', 'render-1', 0, 20, new AbortController().signal);
    const { next: _next, ...incomplete } = renderProgress();
    (await gateway.next()).respond(200, incomplete);
    const error = await rejectionOf(polling);

    expect(error).to.be.instanceOf(GatewayRequestError);
    expect((error as GatewayRequestError).code).to.equal('invalid_response');
  });

  it('sends a token as a bearer token', async () => {
    const gateway = new GatewayDouble();
    const signal = new AbortController().signal;
    void readReportStatus('/gw', 'sales', signal, { token: 'tok.en-1' });
    void requestRefresh('/gw', 'sales', signal, { token: 'tok.en-2' });
    void readRenderProgress('/gw', 'render-1', 0, 20, signal, { token: 'tok.en-3' });
    const read = await gateway.next();
    const post = await gateway.next();
    const poll = await gateway.next();

    expect(new Headers(read.init.headers).get('Authorization')).to.equal('Bearer tok.en-1');
    expect(new Headers(post.init.headers).get('Authorization')).to.equal('Bearer tok.en-2');
    expect(new Headers(post.init.headers).get('Content-Type')).to.equal('application/json');
    expect(new Headers(poll.init.headers).get('Authorization')).to.equal('Bearer tok.en-3');
  });

  it('sends no Authorization header without a token', async () => {
    const gateway = new GatewayDouble();
    void readReportStatus('/gw', 'sales', new AbortController().signal);
    const read = await gateway.next();

    expect(new Headers(read.init.headers).has('Authorization')).to.equal(false);
  });

  it('reads Retry-After into the error', async () => {
    const gateway = new GatewayDouble();
    const requesting = requestRefresh('/gw', 'sales', new AbortController().signal);
    const body = errorBody('cooldown', 'Report sales rendered recently.');
    (await gateway.next()).respond(429, body, { 'Retry-After': '240' });
    const error = await rejectionOf(requesting) as GatewayRequestError;

    expect(error).to.be.instanceOf(GatewayRequestError);
    expect(error.code).to.equal('cooldown');
    expect(error.retryAfterMs).to.equal(240_000);
  });

  it('reads Retry-After from a response without an error body', async () => {
    const gateway = new GatewayDouble();
    const requesting = requestRefresh('/gw', 'sales', new AbortController().signal);
    const response = new Response('Slow down', { status: 429, headers: { 'Retry-After': '5' } });
    (await gateway.next()).respondWith(response);
    const error = await rejectionOf(requesting) as GatewayRequestError;

    expect(error.code).to.equal('http_error');
    expect(error.retryAfterMs).to.equal(5000);
  });

  it('turns a failed fetch into GatewayNetworkError', async () => {
    const gateway = new GatewayDouble();
    const reading = readReportStatus('/gw', 'sales', new AbortController().signal);
    (await gateway.next()).failNetwork();
    const error = await rejectionOf(reading);

    expect(error).to.be.instanceOf(GatewayNetworkError);
    expect((error as GatewayNetworkError).timedOut).to.equal(false);
  });

  it('times out a status read', async () => {
    const gateway = new GatewayDouble();
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const reading = readReportStatus('/gw', 'sales', new AbortController().signal);
    const read = await gateway.next();

    await clock.tickAsync(REQUEST_TIMEOUT_MS - 1);
    expect(read.signal.aborted).to.equal(false);
    await clock.tickAsync(1);
    const error = await rejectionOf(reading);

    expect(read.signal.aborted).to.equal(true);
    expect(error).to.be.instanceOf(GatewayNetworkError);
    expect((error as GatewayNetworkError).timedOut).to.equal(true);
  });

  /** The gateway gives up on Connect after 30 s, and its error response needs time to arrive. */
  const GATEWAY_CONNECT_TIMEOUT_MS = 30_000;

  for (const [name, send] of [
    ['status read', (signal: AbortSignal) => readReportStatus('/gw', 'sales', signal)],
    ['refresh request', (signal: AbortSignal) => requestRefresh('/gw', 'sales', signal)],
  ] as const) {
    it(`gets the gateway's late response to a ${name}`, async () => {
      const gateway = new GatewayDouble();
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const sending = send(new AbortController().signal);
      const request = await gateway.next();

      await clock.tickAsync(GATEWAY_CONNECT_TIMEOUT_MS + 5000);
      expect(request.signal.aborted).to.equal(false);
      const body = errorBody('connect_unavailable', 'Connect did not respond in time.');
      request.respond(503, body);
      const error = await rejectionOf(sending) as GatewayRequestError;

      expect(error).to.be.instanceOf(GatewayRequestError);
      expect(error.code).to.equal('connect_unavailable');
    });
  }

  it('gives up on a refresh request after the timeout', async () => {
    const gateway = new GatewayDouble();
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const requesting = requestRefresh('/gw', 'sales', new AbortController().signal);
    const post = await gateway.next();

    await clock.tickAsync(REQUEST_TIMEOUT_MS - 1);
    expect(post.signal.aborted).to.equal(false);
    await clock.tickAsync(1);
    const error = await rejectionOf(requesting);

    expect(error).to.be.instanceOf(GatewayNetworkError);
    expect((error as GatewayNetworkError).timedOut).to.equal(true);
  });

  it('allows a poll its hold time on top of the timeout', async () => {
    const gateway = new GatewayDouble();
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    void readRenderProgress('/gw', 'render-1', 3, 20, new AbortController().signal)
      .catch(() => undefined);
    const poll = await gateway.next();

    expect(poll.url).to.equal('/gw/v1/renders/render-1?after=3&wait=20');
    await clock.tickAsync(20_000 + POLL_TIMEOUT_MARGIN_MS - 1);
    expect(poll.signal.aborted).to.equal(false);
    await clock.tickAsync(1);
    expect(poll.signal.aborted).to.equal(true);
  });

  it('rejects with the abort reason when aborted', async () => {
    const gateway = new GatewayDouble();
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const reading = readReportStatus('/gw', 'sales', controller.signal);
    const read = await gateway.next();
    const reason = new DOMException('Removed', 'AbortError');

    controller.abort(reason);
    expect(read.signal.aborted).to.equal(true);
    expect(clock.countTimers()).to.equal(0);
    expect(await rejectionOf(reading)).to.equal(reason);
  });

  it('sends nothing when already aborted', async () => {
    const gateway = new GatewayDouble();
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(readReportStatus('/gw', 'sales', controller.signal));

    expect(error).to.equal(controller.signal.reason);
    expect(gateway.requests).to.have.length(0);
  });
});
