import { expect, html } from '@open-wc/testing';
import { a11ySnapshot, emulateMedia, findAccessibilityNode, sendKeys } from
  '@web/test-runner-commands';
import sinon from 'sinon';
import type { RecentRender, RecentRenders } from '../../src/protocol/index.js';
import '../../src/element/locales/de.js';
import '../../src/element/locales/es.js';
import '../../src/element/locales/fr.js';
import '../../src/element/locales/ja.js';
import { textContrast } from './contrast.js';
import {
  button,
  errorBody,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  SERVER_NOW,
  text,
  until,
  untilStatus,
} from './helpers.js';

const historyTemplate = html`
  <connect-refresh-button lang="en" gateway="/gw" report="sales" history></connect-refresh-button>
`;

function recentRender(overrides: Partial<RecentRender> = {}): RecentRender {
  return {
    started_at: '2026-12-04T11:54:19.000Z',
    finished_at: FIVE_MINUTES_BEFORE,
    state: 'succeeded',
    duration: 41,
    started_by_gateway: true,
    started_by: 'alice',
    ...overrides,
  };
}

/** A node of Chromium's accessibility snapshot, with the fields the tests read. */
interface AccessibilityNode {
  role: string;
  name: string;
  expanded?: boolean;
  children: AccessibilityNode[];
}

function recentRenders(renders: RecentRender[]): RecentRenders {
  return { name: 'sales', variant: null, renders, server_time: SERVER_NOW };
}

/**
 * Returns the texts of the listed renders, with runs of white space, no-break spaces included,
 * collapsed to one space.
 */
function itemTexts(el: HTMLElement): string[] {
  const items = el.shadowRoot!.querySelectorAll('[part~="history-item"]');

  return [...items].map((item) => item.textContent!.replace(/\s+/g, ' ').trim());
}

function summary(el: HTMLElement): HTMLElement {
  return part(el, 'history')!.querySelector('summary')!;
}

/** Opens the disclosure with a click and responds to its load with `renders`. */
async function openHistory(mounted: Mounted, renders: RecentRender[]): Promise<void> {
  summary(mounted.el).click();
  const read = await mounted.gateway.next();
  expect(read.url).to.equal('/gw/v1/reports/sales/renders?limit=10');
  read.respond(200, recentRenders(renders));
  await until(mounted.el, () => itemTexts(mounted.el).length === renders.length);
}

describe('connect-refresh-button history', () => {
  afterEach(() => sinon.restore());

  it('stays hidden without the attribute', async () => {
    const mounted = await mount();
    await loadStatus(mounted);

    expect(part(mounted.el, 'history')).to.equal(null);
  });

  it('loads only when opened', async () => {
    const mounted = await mount(historyTemplate);
    await loadStatus(mounted);
    const history = part(mounted.el, 'history') as HTMLDetailsElement;

    expect(history.open).to.equal(false);
    expect(summary(mounted.el).textContent).to.equal('Recent renders');
    expect(mounted.gateway.untaken).to.equal(0);

    summary(mounted.el).click();
    const read = await mounted.gateway.next();
    await until(mounted.el, () => text(mounted.el).includes('Loading recent renders…'));
    const body = history.querySelector('.history-body')!;
    expect(body.getAttribute('aria-busy')).to.equal('true');

    read.respond(200, recentRenders([recentRender()]));
    await until(mounted.el, () => itemTexts(mounted.el).length === 1);
    expect(body.getAttribute('aria-busy')).to.equal('false');
    expect(itemTexts(mounted.el)).to.deep.equal([
      'Succeeded 5 minutes ago · took 41 sec · started by alice',
    ]);
  });

  it('lists outcomes and starters', async () => {
    const mounted = await mount(historyTemplate);
    await loadStatus(mounted);
    await openHistory(mounted, [
      recentRender({
        started_at: '2026-12-04T11:58:00.000Z', finished_at: null, state: 'running',
        duration: null, started_by: null,
      }),
      recentRender({ state: 'failed', duration: 125, started_by_gateway: false, started_by: null }),
      recentRender({ finished_at: '2026-12-04T09:00:00.000Z', duration: 5400.4, started_by: null }),
      recentRender({ state: 'cancelled' }),
      recentRender({ state: 'unknown', duration: null }),
      recentRender({ state: 'paused' as RecentRender['state'] }),
    ]);

    expect(itemTexts(mounted.el)).to.deep.equal([
      'Running 2 minutes ago · started without sign-in',
      'Failed 5 minutes ago · took 2 min · started by a schedule or the Connect dashboard',
      'Succeeded 3 hours ago · took 1.5 hr · started without sign-in',
      'Cancelled 5 minutes ago · took 41 sec · started by alice',
      'Outcome unknown 5 minutes ago · started by alice',
      'paused 5 minutes ago · took 41 sec · started by alice',
    ]);
    const time = part(mounted.el, 'history')!.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.equal('2026-12-04T11:58:00.000Z');
  });

  it('says when no render is listed', async () => {
    const mounted = await mount(historyTemplate);
    await loadStatus(mounted);
    summary(mounted.el).click();
    (await mounted.gateway.next()).respond(200, recentRenders([]));

    await until(mounted.el, () => text(mounted.el).includes('No renders yet.'));
    expect(part(mounted.el, 'history')!.querySelector('ol')).to.equal(null);
  });

  it('reloads an open list after a render', async () => {
    const mounted = await mount(historyTemplate);
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    await openHistory(mounted, [recentRender()]);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({
      state: 'succeeded', finished_at: SERVER_NOW, last_rendered_at: SERVER_NOW,
    }));
    await untilStatus(el, 'succeeded');
    const reload = await gateway.next();

    expect(reload.url).to.equal('/gw/v1/reports/sales/renders?limit=10');
    expect(itemTexts(el)).to.have.length(1, 'the old list stays while the new one loads');
    reload.respond(200, recentRenders([
      recentRender({ started_at: SERVER_NOW, finished_at: SERVER_NOW, duration: 0.4 }),
      recentRender(),
    ]));
    await until(el, () => itemTexts(el).length === 2);
    expect(itemTexts(el)[0]).to.equal('Succeeded now · took 0 sec · started by alice');
  });

  it('loads a closed list at its next opening', async () => {
    const mounted = await mount(historyTemplate);
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    await openHistory(mounted, [recentRender()]);
    summary(el).click();
    await until(el, () => !(part(el, 'history') as HTMLDetailsElement).open);

    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'failed', error: 'Exit 1' }));
    await untilStatus(el, 'failed');
    await clock.tickAsync(0);
    expect(gateway.untaken).to.equal(0, 'a closed list does not load');

    await openHistory(mounted, [recentRender({ state: 'failed' }), recentRender()]);
    expect(itemTexts(el)[0]).to.match(/^Failed/);
  });

  it('reloads an open list on return', async () => {
    const mounted = await mount(historyTemplate);
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    await openHistory(mounted, [recentRender()]);
    const parent = el.parentElement!;

    el.remove();
    parent.append(el);
    const urls = [(await gateway.next()).url, (await gateway.next()).url];

    expect(urls).to.have.members([
      '/gw/v1/reports/sales',
      '/gw/v1/reports/sales/renders?limit=10',
    ]);
  });

  it('offers a retry after a failed load', async () => {
    const mounted = await mount(historyTemplate);
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    summary(el).click();
    (await gateway.next()).respond(503, errorBody('connect_unavailable', 'Connect is down.'));
    await until(el, () => text(el).includes('The recent renders could not be loaded.'));

    expect(el.status).to.equal('idle', 'the button stays usable');
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('.history-retry')!;
    expect(retry.textContent!.trim()).to.equal('Try again');
    retry.click();
    (await gateway.next()).respond(200, recentRenders([recentRender()]));
    await until(el, () => itemTexts(el).length === 1);
    expect(text(el)).not.to.include('could not be loaded');
  });

  it('opens with the keyboard', async () => {
    const mounted = await mount(historyTemplate);
    await loadStatus(mounted);
    mounted.clock.restore();
    mounted.el.focus();
    await sendKeys({ press: 'Tab' });

    expect(mounted.el.shadowRoot!.activeElement).to.equal(summary(mounted.el));
    await sendKeys({ press: 'Enter' });
    const read = await mounted.gateway.next();
    expect(read.url).to.equal('/gw/v1/reports/sales/renders?limit=10');
    read.respond(200, recentRenders([recentRender()]));
    await until(mounted.el, () => itemTexts(mounted.el).length === 1);

    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const disclosure = findAccessibilityNode(snapshot, (node) =>
      node.name === 'Recent renders' && node.expanded === true);
    expect(disclosure, 'an expanded disclosure named Recent renders').not.to.equal(null);
    const spoken = JSON.stringify(snapshot);
    for (const words of ['Succeeded', 'took 41 sec', 'started by alice']) {
      expect(spoken, words).to.include(`"name":"${words}"`);
    }
    expect(spoken).not.to.include('"name":"·"', 'the separators are not read');
    const list = part(mounted.el, 'history')!.querySelector('ol')!;
    expect(list.getAttribute('aria-label')).to.equal('Recent renders');
  });

  it('passes axe with a list', async () => {
    const mounted = await mount(historyTemplate);
    await loadStatus(mounted);
    await openHistory(mounted, [recentRender(), recentRender({ state: 'failed' })]);
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });

  it('passes axe after a failed load', async () => {
    const mounted = await mount(historyTemplate);
    await loadStatus(mounted);
    summary(mounted.el).click();
    (await mounted.gateway.next()).failNetwork();
    await until(mounted.el, () => text(mounted.el).includes('could not be loaded'));
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`meets AA contrast in the ${scheme} scheme`, async () => {
      await emulateMedia({ colorScheme: scheme });
      document.documentElement.style.colorScheme = 'light dark';
      document.documentElement.style.background = 'Canvas';
      document.documentElement.style.color = 'CanvasText';

      try {
        const mounted = await mount(historyTemplate);
        await loadStatus(mounted);
        await openHistory(mounted, [recentRender({ state: 'failed' }), recentRender()]);
        const root = mounted.el.shadowRoot!;
        const targets = root.querySelectorAll('[part~="history"] summary, [part~="history-item"] span');

        expect(targets.length).to.be.at.least(4);
        for (const target of targets) {
          const ratio = textContrast(target);
          expect(ratio, `${target.textContent}: ${ratio.toFixed(2)}`).to.be.at.least(4.5);
        }
      } finally {
        document.documentElement.removeAttribute('style');
        await emulateMedia({ colorScheme: 'light' });
      }
    });
  }

  it('speaks every built-in language', async () => {
    for (const [lang, heading, item] of [
      ['de', 'Letzte Render-Vorgänge', 'Erfolgreich vor 5 Minuten · Dauer 41 Sek. · gestartet von alice'],
      ['fr', 'Générations récentes', 'Réussie il y a 5 minutes · durée : 41 s · lancée par alice'],
      ['es', 'Generaciones recientes', 'Correcta hace 5 minutos · duró 41 s · iniciada por alice'],
      ['ja', '最近のレンダリング', '成功 5 分前 · 所要時間 41 秒 · alice が開始'],
    ]) {
      const mounted = await mount(html`
        <connect-refresh-button lang=${lang} gateway="/gw" report="sales" history>
        </connect-refresh-button>
      `);
      await loadStatus(mounted);
      expect(summary(mounted.el).textContent).to.equal(heading);
      await openHistory(mounted, [recentRender()]);

      expect(itemTexts(mounted.el)).to.deep.equal([item]);
      sinon.restore();
    }
  });
});
