import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
// Times follow the language of the text, so the German test needs the German catalog.
import '../../src/element/locales/de.js';
import {
  loadStatus,
  mount,
  part,
  reportStatus,
  text,
  until,
} from './helpers.js';

describe('connect-refresh-button status read', () => {
  afterEach(() => sinon.restore());

  it('reads the report status on connect', async () => {
    const { gateway } = await mount();
    const read = await gateway.next();

    expect(read.url).to.equal('/gw/v1/reports/sales');
    expect(read.method).to.equal('GET');
    expect(read.init.credentials).to.equal('same-origin');
    expect(read.signal).to.be.instanceOf(AbortSignal);
  });

  for (const [gatewayUrl, expected] of [
    ['https://gw.example/', 'https://gw.example/v1/reports/sales%2Fq1%20%26%20q2'],
    ['https://gw.example', 'https://gw.example/v1/reports/sales%2Fq1%20%26%20q2'],
    ['/gateway/', '/gateway/v1/reports/sales%2Fq1%20%26%20q2'],
  ]) {
    it(`joins ${gatewayUrl} and encodes the report`, async () => {
      const report = 'sales/q1 & q2';
      const { gateway } = await mount(html`
        <connect-refresh-button gateway=${gatewayUrl} report=${report}></connect-refresh-button>
      `);
      const read = await gateway.next();

      expect(read.url).to.equal(expected);
    });
  }

  it('sends nothing without a gateway', async () => {
    const { el, gateway } = await mount(html`
      <connect-refresh-button report="sales"></connect-refresh-button>
    `);

    expect(gateway.requests).to.have.length(0);
    expect(el.status).to.equal('idle');
    expect(part(el, 'button')!.getAttribute('aria-disabled')).to.equal('true');
  });

  it('shows the age by the gateway clock', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T11:55:00.000Z' });
    const time = part(mounted.el, 'time')!;

    expect(time.textContent).to.equal('5 minutes ago');
    expect(time.getAttribute('datetime')).to.equal('2026-12-04T11:55:00.000Z');
    expect(text(mounted.el)).to.include('Last rendered 5 minutes ago');
  });

  it('puts date, time and zone in the title', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T11:55:00.000Z' });
    const title = part(mounted.el, 'time')!.title;
    const expected = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'long' })
      .format(Date.parse('2026-12-04T11:55:00.000Z'));

    expect(title).to.equal(expected);
    expect(title).to.include('2026');
    expect(title).to.match(/\d:55:00/);
  });

  it('clamps a future render time to now', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T12:03:00.000Z' });

    expect(part(mounted.el, 'time')!.textContent).to.equal('now');
  });

  it('says when the report never rendered', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: null });

    expect(part(mounted.el, 'time')).to.equal(null);
    expect(text(mounted.el)).to.include('Not rendered yet');
  });

  it('updates the age every second under a minute', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T11:59:50.000Z' });
    const time = part(mounted.el, 'time')!;

    expect(time.textContent).to.equal('10 seconds ago');
    await mounted.clock.tickAsync(1000);
    expect(time.textContent).to.equal('11 seconds ago');
    await mounted.clock.tickAsync(50_000);
    expect(time.textContent).to.equal('1 minute ago');
  });

  it('updates the age in minutes when the minute turns', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T11:55:00.000Z' });
    const time = part(mounted.el, 'time')!;

    await mounted.clock.tickAsync(59_000);
    expect(time.textContent).to.equal('5 minutes ago');
    await mounted.clock.tickAsync(1000);
    expect(time.textContent).to.equal('6 minutes ago');
  });

  it('keeps at most one timer', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T11:59:50.000Z' });
    await mounted.clock.tickAsync(5000);

    expect(mounted.clock.countTimers()).to.equal(1);
  });

  it('formats in the nearest ancestor lang', async () => {
    const mounted = await mount(html`
      <div lang="de">
        <connect-refresh-button gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const el = mounted.el.querySelector('connect-refresh-button')!;
    const read = await mounted.gateway.next();
    read.respond(200, reportStatus({ last_rendered_at: '2026-12-04T11:55:00.000Z' }));
    await until(el, () => part(el, 'time') !== null);

    expect(part(el, 'time')!.textContent).to.equal('vor 5 Minuten');
  });

  it('reflects idle after the read', async () => {
    const mounted = await mount();
    await loadStatus(mounted);

    expect(mounted.el.getAttribute('status')).to.equal('idle');
    expect(part(mounted.el, 'button')!.getAttribute('aria-disabled')).to.equal('false');
  });

  it('reads again when the report changes', async () => {
    const mounted = await mount();
    await loadStatus(mounted, { last_rendered_at: '2026-12-04T11:55:00.000Z' });
    mounted.el.report = 'costs';
    const read = await mounted.gateway.next();

    expect(read.url).to.equal('/gw/v1/reports/costs');
    await mounted.el.updateComplete;
    expect(part(mounted.el, 'time')).to.equal(null);
  });
});
