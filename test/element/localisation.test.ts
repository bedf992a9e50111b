import { expect, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import '../../src/element/locales/de.js';
import '../../src/element/locales/ja.js';
import {
  announcement,
  button,
  errorBody,
  loadStatus,
  mount,
  part,
  refreshAccepted,
  text,
  until,
} from './helpers.js';

/** Returns the text of the button's label. */
function label(el: HTMLElement): string {
  return part(el, 'label')!.textContent!.trim();
}

describe('connect-refresh-button languages', () => {
  afterEach(() => {
    sinon.restore();
    document.documentElement.removeAttribute('lang');
  });

  it('shows German on a lang="de" page', async () => {
    const mounted = await mount(html`
      <div lang="de">
        <connect-refresh-button gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const el = mounted.el.querySelector('connect-refresh-button')!;
    await loadStatus({ ...mounted, el });

    expect(label(el)).to.equal('Daten aktualisieren');
    expect(text(el)).to.include('Zuletzt gerendert vor 5 Minuten');
  });

  it('falls back from a region subtag', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="de-AT" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    await loadStatus(mounted);

    expect(label(mounted.el)).to.equal('Daten aktualisieren');
    expect(text(mounted.el)).to.include('Zuletzt gerendert vor 5 Minuten');
  });

  it('falls back to English for an unknown language', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="it" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    await loadStatus(mounted);

    expect(label(mounted.el)).to.equal('Refresh data');
    // Times follow the text, so no Italian age appears in an English sentence.
    expect(text(mounted.el)).to.include('Last rendered 5 minutes ago');
  });

  it('falls back to English for an invalid lang', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="not a tag" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    await loadStatus(mounted);

    expect(label(mounted.el)).to.equal('Refresh data');
  });

  it('keeps the label attribute over the message', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="de" label="Zahlen holen" gateway="/gw" report="sales"
      ></connect-refresh-button>
    `);
    await loadStatus(mounted);

    expect(label(mounted.el)).to.equal('Zahlen holen');
  });

  it('replaces one message by override', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="de-CH" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    await loadStatus(mounted);
    expect(label(mounted.el)).to.equal('Daten aktualisieren');

    ConnectRefreshButton.addMessages('de-CH', { label: 'Daten neu laden' });
    await mounted.el.updateComplete;

    expect(label(mounted.el)).to.equal('Daten neu laden');
    expect(text(mounted.el)).to.include('Zuletzt gerendert vor 5 Minuten');
  });

  it('rejects an invalid language tag', () => {
    expect(() => ConnectRefreshButton.addMessages('not a tag', { label: 'x' }))
      .to.throw(RangeError, /Invalid language tag "not a tag"/);
  });

  it('re-renders when its lang changes', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    expect(label(mounted.el)).to.equal('Refresh data');

    mounted.el.setAttribute('lang', 'ja');
    await until(mounted.el, () => label(mounted.el) === 'データを更新');

    expect(text(mounted.el)).to.include('最終レンダリング: 5 分前');
  });

  it('re-renders when the document lang changes', async () => {
    document.documentElement.lang = 'en';
    const mounted = await mount(html`
      <connect-refresh-button gateway="/gw" report="sales"></connect-refresh-button>
    `);
    await loadStatus(mounted);
    expect(label(mounted.el)).to.equal('Refresh data');

    document.documentElement.lang = 'de';
    await until(mounted.el, () => label(mounted.el) === 'Daten aktualisieren');

    expect(text(mounted.el)).to.include('Zuletzt gerendert vor 5 Minuten');
  });

  it('translates failures but not gateway words', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="de" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();
    (await gateway.next()).respond(403, errorBody('forbidden', 'user alice may not refresh'));

    const event = await failed;
    await el.updateComplete;
    const message = 'Sie dürfen diesen Bericht nicht aktualisieren. Bitten Sie die Administration '
      + 'des Aktualisierungsdienstes um Zugriff.';
    expect(part(el, 'message')!.textContent).to.equal(message);
    expect(event.detail.message).to.equal(message);
    expect(event.detail.gatewayMessage).to.equal('user alice may not refresh');
    expect(part(el, 'detail')!.textContent).to.include('user alice may not refresh');
    expect(part(el, 'detail')!.querySelector('summary')!.textContent).to.equal('Details');
    expect(announcement(el)).to.equal(`Aktualisierung nicht möglich. ${message}`);
  });

  it('translates a shown failure on lang change', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(503, errorBody('connect_unavailable', 'Connect is down.'));
    await until(el, () => part(el, 'message') !== null);
    expect(part(el, 'message')!.textContent).to.equal(
      'The report server is unavailable right now. Try again later.');

    el.setAttribute('lang', 'de');
    await until(el, () => label(el) === 'Daten aktualisieren');

    expect(part(el, 'message')!.textContent).to.equal(
      'Der Berichtsserver ist gerade nicht verfügbar. Versuchen Sie es später erneut.');
  });

  it('names the running render in Japanese', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="ja" gateway="/gw" report="sales"></connect-refresh-button>
    `);
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    await gateway.next();
    await clock.tickAsync(2000);

    expect(text(el)).to.include('レンダリング中 0:02');
    expect(part(el, 'progress')!.getAttribute('aria-label'))
      .to.equal('Sales overview をレンダリング中');
    expect(announcement(el)).to.equal('更新を開始しました。');
  });
});
