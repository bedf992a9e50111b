import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import {
  boundaryContrast,
  contrastRatio,
  paintedColor,
  parseColor,
  textContrast,
} from './contrast.js';
import { button, mount, part, until } from './helpers.js';
import { showStatus, STATUSES } from './statuses.js';

/** WCAG 2.2 AA minimums: 1.4.3 for text, 1.4.11 for icons and component boundaries. */
const TEXT_MINIMUM = 4.5;
const GRAPHIC_MINIMUM = 3;

/** Text in the shadow root, by selector, whose contrast must reach TEXT_MINIMUM. */
const TEXT_SELECTORS = [
  'button',
  '.status',
  '[part~="time"]',
  '[part~="countdown"]',
  '[part~="message"]',
  '[part~="cancel"]',
  '[part~="cancel-status"]',
  '[part~="cancel-question"]',
  '[part~="cancel-confirm"]',
  '[part~="cancel-keep"]',
  '[part~="log"] summary',
  '[part~="detail"] summary',
];

/** Gives the page the system colors of its scheme, as a page that supports dark mode does. */
function useSchemePage(): void {
  const root = document.documentElement;
  root.style.colorScheme = 'light dark';
  root.style.background = 'Canvas';
  root.style.color = 'CanvasText';
}

function resetPage(): void {
  document.documentElement.removeAttribute('style');
}

function hex(color: { r: number; g: number; b: number }): string {
  const channel = (value: number) => Math.round(value * 255).toString(16).padStart(2, '0');

  return `#${channel(color.r)}${channel(color.g)}${channel(color.b)}`;
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`connect-refresh-button in the ${scheme} color scheme`, () => {
    beforeEach(async () => {
      await emulateMedia({ colorScheme: scheme });
      useSchemePage();
    });

    afterEach(async () => {
      sinon.restore();
      resetPage();
      await emulateMedia({ colorScheme: 'light' });
    });

    for (const status of STATUSES) {
      it(`meets AA contrast when ${status}`, async () => {
        const mounted = await mount();
        await showStatus(mounted, status);
        const root = mounted.el.shadowRoot!;
        let checked = 0;

        for (const selector of TEXT_SELECTORS) {
          for (const target of root.querySelectorAll(selector)) {
            const ratio = textContrast(target);
            expect(ratio, `text of ${selector}: ${ratio.toFixed(2)}`).to.be.at.least(TEXT_MINIMUM);
            checked += 1;
          }
        }

        const indicator = part(mounted.el, 'indicator')!;
        const iconRatio = textContrast(indicator);
        expect(iconRatio, `indicator: ${iconRatio.toFixed(2)}`).to.be.at.least(GRAPHIC_MINIMUM);

        const edgeRatio = boundaryContrast(button(mounted.el));
        expect(edgeRatio, `button edge: ${edgeRatio.toFixed(2)}`).to.be.at.least(GRAPHIC_MINIMUM);
        expect(checked).to.be.at.least(3);
      });

      it(`shows a visible focus ring when ${status}`, async () => {
        const mounted = await mount();
        await showStatus(mounted, status);
        mounted.clock.restore();
        await sendKeys({ press: 'Tab' });
        const target = button(mounted.el);
        const style = getComputedStyle(target);

        expect(mounted.el.shadowRoot!.activeElement).to.equal(target);
        expect(target.matches(':focus-visible')).to.equal(true);
        expect(style.outlineStyle).to.equal('solid');
        const ring = parseColor(style.outlineColor);
        const ratio = contrastRatio(ring, paintedColor(mounted.el));
        expect(ratio, `focus ring: ${ratio.toFixed(2)}`).to.be.at.least(GRAPHIC_MINIMUM);
      });

      it(`passes axe when ${status}`, async () => {
        const mounted = await mount();
        await showStatus(mounted, status);
        mounted.clock.restore();

        await expect(mounted.el).to.be.accessible();
      });
    }

    it('meets AA contrast asking to cancel', async () => {
      const mounted = await mount();
      await showStatus(mounted, 'running');
      const cancel = part(mounted.el, 'cancel')!;
      const cancelEdge = contrastRatio(parseColor(getComputedStyle(cancel).borderTopColor),
        paintedColor(cancel));
      expect(cancelEdge, `cancel edge: ${cancelEdge.toFixed(2)}`).to.be.at.least(GRAPHIC_MINIMUM);

      cancel.click();
      await until(mounted.el, () => part(mounted.el, 'cancel-question') !== null);
      await mounted.el.updateComplete;

      for (const name of ['cancel-question', 'cancel-confirm', 'cancel-keep']) {
        const ratio = textContrast(part(mounted.el, name)!);
        expect(ratio, `text of ${name}: ${ratio.toFixed(2)}`).to.be.at.least(TEXT_MINIMUM);
      }

      const confirmEdge = boundaryContrast(part(mounted.el, 'cancel-confirm')!);
      expect(confirmEdge, `confirm edge: ${confirmEdge.toFixed(2)}`).to.be.at.least(GRAPHIC_MINIMUM);
      const keep = part(mounted.el, 'cancel-keep')!;
      const keepEdge = contrastRatio(parseColor(getComputedStyle(keep).borderTopColor),
        paintedColor(keep));
      expect(keepEdge, `keep edge: ${keepEdge.toFixed(2)}`).to.be.at.least(GRAPHIC_MINIMUM);
    });

    it('passes axe asking to cancel', async () => {
      const mounted = await mount();
      await showStatus(mounted, 'running');
      part(mounted.el, 'cancel')!.click();
      await until(mounted.el, () => part(mounted.el, 'cancel-question') !== null);
      await mounted.el.updateComplete;
      mounted.clock.restore();

      await expect(mounted.el).to.be.accessible();
    });
  });
}

describe('connect-refresh-button colors', () => {
  afterEach(async () => {
    sinon.restore();
    resetPage();
    await emulateMedia({ colorScheme: 'light' });
  });

  it('uses the dark accent in a dark page', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    useSchemePage();
    const mounted = await mount();

    expect(hex(paintedColor(button(mounted.el)))).to.equal('#a8c7fa');
  });

  it('stays light in a page without color-scheme', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const mounted = await mount();

    expect(hex(paintedColor(button(mounted.el)))).to.equal('#1558b0');
  });

  it('follows color-scheme set on the element', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button style="color-scheme: dark" gateway="/gw" report="sales">
      </connect-refresh-button>
    `);
    const style = getComputedStyle(button(el));

    expect(parseColor(style.backgroundColor)).to.deep.equal(parseColor('rgb(168, 199, 250)'));
    expect(parseColor(style.color)).to.deep.equal(parseColor('rgb(6, 46, 111)'));
  });

  it('takes colors, radius, gap and font from custom properties', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button
        style="--connect-refresh-accent: rgb(0, 80, 0); --connect-refresh-on-accent: rgb(255, 255, 0);
          --connect-refresh-radius: 3px; --connect-refresh-gap: 7px;
          --connect-refresh-font: italic 20px serif"
        gateway="/gw"
        report="sales"
      ></connect-refresh-button>
    `);
    const style = getComputedStyle(button(el));

    expect(style.backgroundColor).to.equal('rgb(0, 80, 0)');
    expect(style.color).to.equal('rgb(255, 255, 0)');
    expect(style.borderTopLeftRadius).to.equal('3px');
    expect(style.columnGap).to.equal('7px');
    expect(style.fontStyle).to.equal('italic');
    expect(style.fontSize).to.equal('20px');
    expect(getComputedStyle(el).fontFamily).to.equal('serif');
  });

  it('inherits the page font by default', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    const wrapper = await fixture(html`
      <div style="font: 17px monospace">
        <connect-refresh-button gateway="/gw" report="sales"></connect-refresh-button>
      </div>
    `);
    const el = wrapper.querySelector('connect-refresh-button')!;

    expect(getComputedStyle(el).fontFamily).to.equal('monospace');
    expect(getComputedStyle(button(el)).fontSize).to.equal('17px');
  });

  it('colors the failure message with the error color', async () => {
    const mounted = await mount();
    await showStatus(mounted, 'failed');
    mounted.el.style.setProperty('--connect-refresh-error', 'rgb(120, 0, 0)');

    expect(getComputedStyle(part(mounted.el, 'message')!).color).to.equal('rgb(120, 0, 0)');
  });
});
