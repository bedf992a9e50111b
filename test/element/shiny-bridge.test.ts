import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ShinyRefreshPayload } from '../../src/element/shiny-bridge.js';
import type { TemplateResult } from 'lit';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import {
  button,
  errorBody,
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

const RENDERED_AT = '2026-12-04T12:00:07.000Z';
const RENDER_FAILED_MESSAGE = 'The report failed while rendering. Try again, or ask the owner '
  + 'of the report to check its render log.';

/** A stand-in for `window.Shiny` that records the inputs the element sets. */
class FakeShiny {
  connected: boolean;
  readonly setInputValue = sinon.spy();
  readonly shinyapp = { isConnected: () => this.connected };

  constructor(connected: boolean) {
    this.connected = connected;
  }

  /** Returns the values set, in order, for the input `name`. */
  valuesOf(name: string): ShinyRefreshPayload[] {
    return this.setInputValue.getCalls()
      .filter((call) => call.args[0] === name)
      .map((call) => call.args[1] as ShinyRefreshPayload);
  }
}

/**
 * A stand-in for the jQuery function that records `on` and `off` for `document`, because Shiny
 * triggers `shiny:connected` with jQuery, which calls no native listener.
 */
function fakeJQuery() {
  const handlers = new Map<string, Set<() => void>>();
  const api = {
    on(type: string, handler: () => void) {
      if (!handlers.has(type)) handlers.set(type, new Set());
      handlers.get(type)!.add(handler);
      return api;
    },
    off(type: string, handler: () => void) {
      handlers.get(type)?.delete(handler);
      return api;
    },
  };

  return {
    jQuery: (target: Document) => {
      expect(target).to.equal(document);
      return api;
    },
    trigger(type: string) {
      for (const handler of [...(handlers.get(type) ?? [])]) handler();
    },
    count: (type: string) => handlers.get(type)?.size ?? 0,
  };
}

type ShinyWindow = Window & { Shiny?: unknown; jQuery?: unknown };

function installShiny(connected: boolean): FakeShiny {
  const shiny = new FakeShiny(connected);
  (window as ShinyWindow).Shiny = shiny;
  return shiny;
}

/** Lets microtasks queued so far run, such as the send after `shiny:connected`. */
async function flushMicrotasks(): Promise<void> {
  await Promise.resolve();
}

const idTemplate = html`
  <connect-refresh-button id="refresh" lang="en" gateway="/gw" report="sales"></connect-refresh-button>
`;

/** Clicks the button and ends the render under `handle` as `state`. */
async function completeRender(
  { el, gateway }: Mounted,
  state: 'succeeded' | 'failed',
  handle = 'render-1',
): Promise<void> {
  button(el).click();
  (await gateway.next()).respond(202, refreshAccepted({ handle }));
  const error = state === 'failed' ? 'Error in library(odbc): there is no package' : null;
  const lastRenderedAt = state === 'succeeded' ? RENDERED_AT : FIVE_MINUTES_BEFORE;
  (await gateway.next()).respond(200, renderProgress({
    handle, state, error, last_rendered_at: lastRenderedAt,
  }));
  await untilStatus(el, state);
}

const sameIdTemplate = html`
  <div>
    <connect-refresh-button id="refresh" lang="en" gateway="/gw" report="sales"></connect-refresh-button>
    <connect-refresh-button id="refresh" lang="en" gateway="/gw" report="sales"></connect-refresh-button>
  </div>
`;

const twoIdsTemplate = html`
  <div>
    <connect-refresh-button id="refresh_top" lang="en" gateway="/gw" report="sales"></connect-refresh-button>
    <connect-refresh-button id="refresh_bottom" lang="en" gateway="/gw" report="sales"></connect-refresh-button>
  </div>
`;

interface Pair {
  mounted: Mounted;
  first: ConnectRefreshButton;
  second: ConnectRefreshButton;
}

/** Mounts two elements for one report, which share their status read and render polls. */
async function mountPair(template: TemplateResult): Promise<Pair> {
  const mounted = await mount(template);
  const [first, second] = [...mounted.el.querySelectorAll('connect-refresh-button')];
  const { gateway } = mounted;

  (await gateway.next()).respond(200, reportStatus());
  await until(first!, () => part(first!, 'time') !== null);
  await until(second!, () => part(second!, 'time') !== null);

  return { mounted, first: first!, second: second! };
}

/** Clicks `clicked`, ends the render under `handle` as `state`, and waits for both elements. */
async function completeSharedRender(
  { mounted: { gateway }, first, second }: Pair,
  clicked: ConnectRefreshButton,
  state: 'succeeded' | 'failed',
  handle: string,
): Promise<void> {
  button(clicked).click();
  (await gateway.next()).respond(202, refreshAccepted({ handle }));
  const error = state === 'failed' ? 'Exit 1.' : null;
  (await gateway.next()).respond(200, renderProgress({
    handle, state, error, last_rendered_at: RENDERED_AT,
  }));
  await untilStatus(first, state);
  await untilStatus(second, state);
}

/** Drops `sequence` and `fired_at`, the fields that make every value differ. */
function withoutCounter(payload: ShinyRefreshPayload): Partial<ShinyRefreshPayload> {
  const { sequence: _sequence, fired_at: _firedAt, ...rest } = payload;
  return rest;
}

describe('connect-refresh-button Shiny input', () => {
  afterEach(() => {
    sinon.restore();
    delete (window as ShinyWindow).Shiny;
    delete (window as ShinyWindow).jQuery;
  });

  it('sets the input on success', async () => {
    const shiny = installShiny(true);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded');

    expect(shiny.setInputValue.callCount).to.equal(1);
    const [name, payload, options] = shiny.setInputValue.firstCall.args;
    expect(name).to.equal('refresh');
    expect(options).to.deep.equal({ priority: 'event' });
    expect(withoutCounter(payload)).to.deep.equal({
      outcome: 'success',
      report: 'sales',
      handle: 'render-1',
      state: 'succeeded',
      last_rendered_at: RENDERED_AT,
      error: null,
    });
    expect(payload.sequence).to.be.a('number');
    expect(Date.parse(payload.fired_at)).to.equal(Date.now());
  });

  it('sets the input on a failed render', async () => {
    const shiny = installShiny(true);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'failed');

    const [payload] = shiny.valuesOf('refresh');
    expect(payload!.outcome).to.equal('error');
    expect(payload!.handle).to.equal('render-1');
    expect(payload!.state).to.equal('failed');
    expect(payload!.error).to.deep.equal({
      code: 'render_failed',
      message: RENDER_FAILED_MESSAGE,
      gateway_message: 'Error in library(odbc): there is no package',
    });
  });

  it('sets the input on a refused status read', async () => {
    const shiny = installShiny(true);
    const { el, gateway } = await mount(idTemplate);
    (await gateway.next()).respond(403, errorBody('forbidden', 'You may not read this report.'));
    await untilStatus(el, 'unavailable');

    const [payload] = shiny.valuesOf('refresh');
    expect(payload!.outcome).to.equal('error');
    expect(payload!.handle).to.equal(null);
    expect(payload!.state).to.equal('unavailable');
    expect(payload!.error!.code).to.equal('forbidden');
    expect(payload!.error!.gateway_message).to.equal('You may not read this report.');
  });

  it('sends two equal completions as two values', async () => {
    const shiny = installShiny(true);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'failed', 'render-7');
    await completeRender(mounted, 'failed', 'render-7');

    const [first, second] = shiny.valuesOf('refresh');
    expect(shiny.setInputValue.callCount).to.equal(2);
    expect(withoutCounter(second!)).to.deep.equal(withoutCounter(first!));
    expect(second!.sequence).to.be.greaterThan(first!.sequence);
  });

  it('sends nothing without an id', async () => {
    const shiny = installShiny(true);
    const mounted = await mount();
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded');

    expect(shiny.setInputValue.callCount).to.equal(0);
  });

  it('leaves a page without Shiny alone', async () => {
    const mounted = await mount(idTemplate);
    const events = recordEvents(mounted.el);
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded');

    expect(events.map((event) => event.type)).to.deep.equal([
      'connect-refresh-start',
      'connect-refresh-success',
    ]);
    expect((window as ShinyWindow).Shiny).to.equal(undefined);
  });

  it('waits for shiny:connected', async () => {
    const shiny = installShiny(false);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded');
    expect(shiny.setInputValue.callCount).to.equal(0);

    shiny.connected = true;
    document.dispatchEvent(new Event('shiny:connected'));
    // Shiny sends its init message after the event's listeners return, so the input waits.
    expect(shiny.setInputValue.callCount).to.equal(0);
    await flushMicrotasks();

    expect(shiny.valuesOf('refresh').map((payload) => payload.outcome)).to.deep.equal(['success']);
  });

  it('waits for the jQuery connected event', async () => {
    const jQuery = fakeJQuery();
    (window as ShinyWindow).jQuery = jQuery.jQuery;
    const shiny = installShiny(false);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded');
    expect(jQuery.count('shiny:connected')).to.equal(1);

    shiny.connected = true;
    jQuery.trigger('shiny:connected');
    await flushMicrotasks();

    expect(shiny.setInputValue.callCount).to.equal(1);
    expect(jQuery.count('shiny:connected')).to.equal(0);
  });

  it('keeps waiting while Shiny is disconnected', async () => {
    const shiny = installShiny(false);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded');

    document.dispatchEvent(new Event('shiny:connected'));
    await flushMicrotasks();
    expect(shiny.setInputValue.callCount).to.equal(0);

    shiny.connected = true;
    document.dispatchEvent(new Event('shiny:connected'));
    await flushMicrotasks();
    expect(shiny.setInputValue.callCount).to.equal(1);
  });

  it('sends waiting completions in order', async () => {
    const shiny = installShiny(false);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    await completeRender(mounted, 'succeeded', 'render-1');
    await completeRender(mounted, 'failed', 'render-2');

    shiny.connected = true;
    document.dispatchEvent(new Event('shiny:connected'));
    await flushMicrotasks();

    const values = shiny.valuesOf('refresh');
    expect(values.map((payload) => payload.handle)).to.deep.equal(['render-1', 'render-2']);
    expect(values[1]!.sequence).to.be.greaterThan(values[0]!.sequence);
  });

  it('uses the id at the time of the completion', async () => {
    const shiny = installShiny(true);
    const mounted = await mount(idTemplate);
    await loadStatus(mounted);
    mounted.el.id = 'orders_refresh';
    await completeRender(mounted, 'succeeded');

    expect(shiny.valuesOf('orders_refresh')).to.have.length(1);
    expect(shiny.valuesOf('refresh')).to.have.length(0);
  });

  it('sends one value per id and render', async () => {
    const shiny = installShiny(true);
    const pair = await mountPair(sameIdTemplate);
    await completeSharedRender(pair, pair.first, 'succeeded', 'render-5');

    const values = shiny.valuesOf('refresh');
    expect(values.map((payload) => payload.handle)).to.deep.equal(['render-5']);
    expect(values[0]!.outcome).to.equal('success');
  });

  it('sends each later render once', async () => {
    const shiny = installShiny(true);
    const pair = await mountPair(sameIdTemplate);
    await completeSharedRender(pair, pair.first, 'succeeded', 'render-5');
    await completeSharedRender(pair, pair.second, 'failed', 'render-6');

    const values = shiny.valuesOf('refresh');
    expect(values.map((payload) => payload.handle)).to.deep.equal(['render-5', 'render-6']);
    expect(values.map((payload) => payload.outcome)).to.deep.equal(['success', 'error']);
  });

  it('sends one waiting value per id and render', async () => {
    const shiny = installShiny(false);
    const pair = await mountPair(sameIdTemplate);
    await completeSharedRender(pair, pair.second, 'succeeded', 'render-5');

    shiny.connected = true;
    document.dispatchEvent(new Event('shiny:connected'));
    await flushMicrotasks();

    expect(shiny.valuesOf('refresh')).to.have.length(1);
  });

  it('sends a render to each id', async () => {
    const shiny = installShiny(true);
    const pair = await mountPair(twoIdsTemplate);
    await completeSharedRender(pair, pair.first, 'succeeded', 'render-5');

    expect(shiny.valuesOf('refresh_top').map((payload) => payload.handle)).to.deep.equal(['render-5']);
    expect(shiny.valuesOf('refresh_bottom').map((payload) => payload.handle)).to.deep.equal(['render-5']);
  });
});
