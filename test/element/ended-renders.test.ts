import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import {
  EndedRenders,
  endedRendersStorageKey,
  MAX_ENDED_RENDERS,
} from '../../src/element/ended-renders.js';
import { tabKey } from '../../src/element/tab-messages.js';
import type { RenderSummary } from '../../src/protocol/index.js';
import {
  button,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  type Mounted,
  mount,
  part,
  recordEvents,
  refreshAccepted,
  renderProgress,
  reportStatus,
  SERVER_NOW,
  untilStatus,
} from './helpers.js';

/** End of the render that the tests follow, 42 s after it started at SERVER_NOW. */
const FINISHED_AT = '2026-12-04T12:00:42.000Z';

/** The followed render as an out-of-date status response still reports it. */
const STILL_RUNNING: RenderSummary = { handle: 'render-1', state: 'running', started_at: SERVER_NOW };

/** Clicks the button and follows the accepted render to its success at FINISHED_AT. */
async function followToSuccess({ el, gateway }: Mounted): Promise<void> {
  button(el).click();
  (await gateway.next()).respond(202, refreshAccepted());
  (await gateway.next()).respond(200, renderProgress({
    state: 'succeeded',
    finished_at: FINISHED_AT,
    last_rendered_at: FINISHED_AT,
    server_time: FINISHED_AT,
  }));
  await untilStatus(el, 'succeeded');
}

/** Advances to the element's next status read of its own, responds with `body`, and settles. */
async function answerNextReread(mounted: Mounted, body: unknown): Promise<void> {
  const { el, gateway, clock } = mounted;
  await clock.tickAsync(60_000);
  const read = await gateway.next();
  expect(read.url).to.equal('/gw/v1/reports/sales');
  read.respond(200, body);
  await read.bodyRead;
  await clock.tickAsync(0);
  await el.updateComplete;
}

function shownTime(el: ConnectRefreshButton): string | null | undefined {
  return part(el, 'time')?.getAttribute('datetime');
}

describe('connect-refresh-button ended renders', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  it('ignores an old response naming the render', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const events = recordEvents(el);
    await followToSuccess(mounted);

    for (let reread = 0; reread < 3; reread += 1) {
      const stale = reportStatus({ render: STILL_RUNNING, last_rendered_at: FIVE_MINUTES_BEFORE });
      await answerNextReread(mounted, stale);
    }

    expect(gateway.untaken, 'no poll of the ended render').to.equal(0);
    expect(el.status).to.equal('succeeded');
    expect(events.map((event) => event.type)).to.deep.equal([
      'connect-refresh-start',
      'connect-refresh-success',
    ]);
  });

  it('keeps the newer last render time', async () => {
    const mounted = await mount();
    const { el } = mounted;
    await loadStatus(mounted);
    await followToSuccess(mounted);
    expect(shownTime(el)).to.equal(FINISHED_AT);

    await answerNextReread(mounted, reportStatus({ last_rendered_at: FIVE_MINUTES_BEFORE }));
    expect(shownTime(el), 'after an older time').to.equal(FINISHED_AT);

    await answerNextReread(mounted, reportStatus({ last_rendered_at: null }));
    expect(shownTime(el), 'after null').to.equal(FINISHED_AT);

    const later = '2026-12-04T12:01:30.000Z';
    await answerNextReread(mounted, reportStatus({ last_rendered_at: later }));
    expect(shownTime(el), 'after a newer time').to.equal(later);
  });

  it('takes null for a new report', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);

    el.report = 'costs';
    const read = await gateway.next();
    expect(read.url).to.equal('/gw/v1/reports/costs');
    read.respond(200, reportStatus({ name: 'costs', last_rendered_at: null }));
    await read.bodyRead;
    await mounted.clock.tickAsync(0);
    await el.updateComplete;

    expect(part(el, 'time')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.include('Not rendered yet');
  });

  it('ignores an ended render that a later element found', async () => {
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const { gateway, clock } = mounted;
    const first = mounted.el.querySelector('connect-refresh-button')!;
    await loadStatus({ ...mounted, el: first });
    const events = recordEvents(first);
    await followToSuccess({ ...mounted, el: first });

    const late = document.createElement('connect-refresh-button');
    late.setAttribute('lang', 'en');
    late.setAttribute('gateway', '/gw');
    late.setAttribute('report', 'sales');
    mounted.el.append(late);
    const read = await gateway.next();
    read.respond(200, reportStatus({ render: STILL_RUNNING }));
    await read.bodyRead;
    await clock.tickAsync(0);
    await first.updateComplete;

    // The late element reads the handles that ended from sessionStorage.
    expect(gateway.untaken, 'no poll of the ended render').to.equal(0);

    expect(first.status).to.equal('succeeded');
    expect(events.map((event) => event.type)).to.deep.equal([
      'connect-refresh-start',
      'connect-refresh-success',
    ]);
  });

  it('skips an ended render after reload', async () => {
    const key = endedRendersStorageKey(tabKey('/gw', 'sales'));
    const mounted = await mount(undefined, { session: { [key]: JSON.stringify(['render-1']) } });
    const { el, gateway, clock } = mounted;
    const events = recordEvents(el);
    const read = await gateway.next();
    read.respond(200, reportStatus({ render: STILL_RUNNING }));
    await read.bodyRead;
    await clock.tickAsync(0);
    await el.updateComplete;

    expect(gateway.untaken, 'no poll of the ended render').to.equal(0);
    expect(el.status).to.equal('idle');
    expect(events).to.deep.equal([]);
  });

  it('skips an ended render in a new element', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await followToSuccess(mounted);
    el.remove();

    const fresh = document.createElement('connect-refresh-button') as ConnectRefreshButton;
    fresh.setAttribute('lang', 'en');
    fresh.setAttribute('gateway', '/gw');
    fresh.setAttribute('report', 'sales');
    const events = recordEvents(fresh);
    document.body.append(fresh);
    const read = await gateway.next();
    read.respond(200, reportStatus({ render: STILL_RUNNING }));
    await read.bodyRead;
    await clock.tickAsync(0);
    await fresh.updateComplete;

    expect(gateway.untaken, 'no poll of the ended render').to.equal(0);
    expect(fresh.status).to.equal('idle');
    expect(events).to.deep.equal([]);
    fresh.remove();
  });

  it('keeps the last ended handles', () => {
    const key = endedRendersStorageKey('target');
    const ended = new EndedRenders();

    for (let index = 0; index <= MAX_ENDED_RENDERS; index += 1) {
      ended.add('target', `render-${index}`);
    }

    const stored = JSON.parse(sessionStorage.getItem(key)!) as string[];
    expect(stored).to.have.length(MAX_ENDED_RENDERS);
    expect(stored[0]).to.equal('render-1');
    expect(new EndedRenders().has('target', 'render-0')).to.equal(false);
    expect(new EndedRenders().has('target', `render-${MAX_ENDED_RENDERS}`)).to.equal(true);
    sessionStorage.removeItem(key);
  });
});
