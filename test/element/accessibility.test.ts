import { expect, fixture, html } from '@open-wc/testing';
import { a11ySnapshot, findAccessibilityNode, sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { ANNOUNCEMENT_GAP_MS } from '../../src/element/live-announcer.js';
import { formatAbsoluteTime } from '../../src/element/relative-time.js';
import {
  announcement,
  button,
  errorBody,
  FIVE_MINUTES_BEFORE,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

/** Brings a mounted element to the running status and returns the open poll. */
async function startRunning(mounted: Mounted) {
  await loadStatus(mounted);
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted());

  return mounted.gateway.next();
}

/** Records each text that the live region shows, after the changes that come. */
function recordAnnouncements(el: HTMLElement): string[] {
  const region = el.shadowRoot!.querySelector('[role="status"]')!;
  const texts: string[] = [];
  const observer = new MutationObserver(() => texts.push(region.textContent!.trim()));
  observer.observe(region, { subtree: true, childList: true, characterData: true });

  return texts;
}

interface AccessibilityNode {
  role: string;
  name: string;
  children: AccessibilityNode[];
}

describe('connect-refresh-button accessibility', () => {
  afterEach(() => sinon.restore());

  for (const key of ['Enter', 'Space']) {
    it(`starts a refresh with ${key}`, async () => {
      const mounted = await mount();
      await loadStatus(mounted);
      mounted.clock.restore();
      mounted.el.focus();

      expect(mounted.el.shadowRoot!.activeElement).to.equal(button(mounted.el));
      await sendKeys({ press: key });
      const post = await mounted.gateway.next();
      expect(post.method).to.equal('POST');
    });
  }

  it('keeps the busy button focusable and ignores clicks', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await mounted.el.updateComplete;
    const target = button(mounted.el);

    expect(target.getAttribute('aria-disabled')).to.equal('true');
    expect(target.disabled).to.equal(false);
    target.click();
    mounted.el.startRefresh();
    await mounted.clock.tickAsync(0);
    const posts = mounted.gateway.requests.filter((request) => request.method === 'POST');
    expect(posts).to.have.length(1);
    expect(mounted.el.shadowRoot!.querySelector('.status')!.getAttribute('aria-busy'))
      .to.equal('true');
  });

  it('ignores clicks while starting', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    button(mounted.el).click();
    await mounted.gateway.next();
    await mounted.el.updateComplete;

    expect(button(mounted.el).getAttribute('aria-disabled')).to.equal('true');
    button(mounted.el).click();
    await mounted.clock.tickAsync(0);
    expect(mounted.gateway.untaken).to.equal(0);
  });

  it('reflects each status to the attribute', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(el.getAttribute('status')!));
    observer.observe(el, { attributes: true, attributeFilter: ['status'] });

    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({ state: 'failed', error: 'Exit 1' }));
    await untilStatus(el, 'failed');
    button(el).click();
    (await gateway.next()).respond(403, errorBody('connect_forbidden', 'Forbidden.'));
    await untilStatus(el, 'unavailable');
    observer.disconnect();

    expect(seen).to.deep.equal([
      'starting', 'running', 'succeeded',
      'starting', 'running', 'failed',
      'starting', 'unavailable',
    ]);
  });

  it('announces start, success and failure', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const poll = await startRunning(mounted);
    await el.updateComplete;
    expect(announcement(el)).to.equal('Refresh started.');

    await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    poll.respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    await el.updateComplete;
    expect(announcement(el)).to.equal('Refresh finished.');

    await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    button(el).click();
    (await gateway.next()).respond(429, errorBody('rate_limited', 'Slow down.'));
    await untilStatus(el, 'failed');
    await el.updateComplete;
    expect(announcement(el)).to.equal('Refresh failed. Slow down.');
  });

  it('has one polite live region outside busy content', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await mounted.el.updateComplete;
    const regions = mounted.el.shadowRoot!.querySelectorAll('[role="status"], [aria-live]');

    expect(regions).to.have.length(1);
    expect(regions[0]!.getAttribute('aria-live')).to.equal('polite');
    expect(regions[0]!.getAttribute('aria-atomic')).to.equal('true');
    expect(regions[0]!.closest('[aria-busy="true"]')).to.equal(null);
  });

  it('announces only the end of a quick render', async () => {
    const mounted = await mount();
    const { el, clock } = mounted;
    const texts = recordAnnouncements(el);
    const poll = await startRunning(mounted);
    await el.updateComplete;
    poll.respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(el, 'succeeded');
    await el.updateComplete;

    expect(announcement(el)).to.equal('Refresh started.');
    await clock.tickAsync(ANNOUNCEMENT_GAP_MS - 1);
    await el.updateComplete;
    expect(announcement(el)).to.equal('Refresh started.');
    await clock.tickAsync(1);
    await el.updateComplete;
    expect(announcement(el)).to.equal('Refresh finished.');
    expect(texts).to.deep.equal(['Refresh started.', 'Refresh finished.']);
  });

  it('drops a waiting announcement on a new start', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    const texts = recordAnnouncements(el);
    const poll = await startRunning(mounted);
    poll.respond(200, renderProgress({ state: 'failed', error: 'Exit 1' }));
    await untilStatus(el, 'failed');
    button(el).click();
    await gateway.next();
    await el.updateComplete;
    await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
    await el.updateComplete;

    expect(texts).to.deep.equal(['Refresh started.', '']);
  });

  it('announces a repeated failure again', async () => {
    const mounted = await mount();
    const { el, gateway, clock } = mounted;
    await loadStatus(mounted);
    const texts = recordAnnouncements(el);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      button(el).click();
      await el.updateComplete;
      (await gateway.next()).respond(503, errorBody('shutting_down', 'Restarting.'));
      await untilStatus(el, 'failed');
      await el.updateComplete;
      await clock.tickAsync(ANNOUNCEMENT_GAP_MS);
      await el.updateComplete;
    }

    expect(texts).to.have.length(3);
    expect(texts[0]).to.match(/^Refresh failed\./);
    expect(texts[1]).to.equal('');
    expect(texts[2]).to.equal(texts[0]);
  });

  it('does not announce elapsed time', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await mounted.el.updateComplete;
    const texts = recordAnnouncements(mounted.el);
    const elapsed = mounted.el.shadowRoot!.querySelector('.elapsed')!;
    const before = elapsed.textContent;
    await mounted.clock.tickAsync(5000);
    await mounted.el.updateComplete;

    expect(elapsed.textContent).to.not.equal(before);
    expect(texts).to.deep.equal([]);
    expect(announcement(mounted.el)).to.equal('Refresh started.');
  });

  it('names the progress bar and the button', async () => {
    const mounted = await mount();
    await startRunning(mounted);
    await mounted.el.updateComplete;
    mounted.clock.restore();
    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const progress = findAccessibilityNode(snapshot, (node) => node.role === 'progressbar');
    const control = findAccessibilityNode(snapshot, (node) => node.role === 'button');

    expect(progress?.name).to.include('Sales overview');
    expect(control?.name).to.equal('Refresh data');
  });

  it('names the absolute last render time', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    mounted.clock.restore();
    const absolute = formatAbsoluteTime(Date.parse(FIVE_MINUTES_BEFORE), 'en');
    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const texts: string[] = [];
    findAccessibilityNode(snapshot, (node) => {
      if (node.role === 'StaticText') {
        texts.push(node.name);
      }
      return false;
    });

    expect(absolute).to.match(/UTC|GMT/);
    const spoken = texts.join('').replace(/\s+/g, ' ');
    expect(spoken).to.include(`Last rendered 5 minutes ago (${absolute})`);
  });

  it('shows the absolute time only as a title', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    const absolute = formatAbsoluteTime(Date.parse(FIVE_MINUTES_BEFORE), 'en');
    const time = part(mounted.el, 'time')!;
    const hidden = time.parentElement!.querySelector('.visually-hidden')!;
    const box = hidden.getBoundingClientRect();

    expect(time.title).to.equal(absolute);
    expect(hidden.textContent).to.include(absolute);
    expect(box.width).to.be.at.most(1);
    expect(box.height).to.be.at.most(1);
    expect(getComputedStyle(hidden).clipPath).to.equal('inset(50%)');
  });

  it('passes axe when idle', async () => {
    const mounted = await mount();
    await loadStatus(mounted);
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });

  it('passes axe when running with a log', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    poll.respond(200, renderProgress({ output: ['Loading data'], next: 1 }));
    await mounted.gateway.next();
    await mounted.el.updateComplete;
    mounted.clock.restore();

    expect(part(mounted.el, 'progress')).to.not.equal(null);
    expect(part(mounted.el, 'log')).to.not.equal(null);
    await expect(mounted.el).to.be.accessible();
  });

  it('passes axe when succeeded', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    poll.respond(200, renderProgress({ state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });

  it('passes axe when failed', async () => {
    const mounted = await mount();
    const poll = await startRunning(mounted);
    poll.respond(200, renderProgress({ state: 'failed', output: ['Error'], next: 1, error: 'x' }));
    await untilStatus(mounted.el, 'failed');
    await mounted.el.updateComplete;
    mounted.clock.restore();

    expect(part(mounted.el, 'message')).to.not.equal(null);
    await expect(mounted.el).to.be.accessible();
  });

  it('passes axe when unavailable', async () => {
    const mounted = await mount();
    const body = errorBody('not_renderable', 'Report sales is an app.');
    (await mounted.gateway.next()).respond(502, body);
    await untilStatus(mounted.el, 'unavailable');
    await mounted.el.updateComplete;
    mounted.clock.restore();

    expect(part(mounted.el, 'message')).to.not.equal(null);
    await expect(mounted.el).to.be.accessible();
  });

  for (const [code, retryAfter] of [['cooldown', '240'], ['rate_limited', '30']]) {
    it(`passes axe in a ${code} cooldown`, async () => {
      const mounted = await mount();
      await loadStatus(mounted);
      button(mounted.el).click();
      const post = await mounted.gateway.next();
      post.respond(429, errorBody(code as 'cooldown', 'Wait.'), { 'Retry-After': retryAfter! });
      await untilStatus(mounted.el, 'cooldown');
      await mounted.el.updateComplete;
      mounted.clock.restore();

      expect(part(mounted.el, 'countdown')).to.not.equal(null);
      expect(part(mounted.el, 'message')).to.not.equal(null);
      expect(button(mounted.el).getAttribute('aria-disabled')).to.equal('true');
      await expect(mounted.el).to.be.accessible();
    });
  }

  it('lets the slot replace the label', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button gateway="/gw" report="sales">Update figures</connect-refresh-button>
    `);
    const slot = part(el, 'label')!.querySelector('slot')!;

    expect(slot.assignedNodes()).to.have.length(1);
    expect(slot.assignedNodes()[0]!.textContent).to.equal('Update figures');
  });

  it('names the button after the slotted label only', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button gateway="/gw" report="sales">Update figures</connect-refresh-button>
    `);
    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const control = findAccessibilityNode(snapshot, (node) => node.role === 'button');

    expect(control?.name).to.equal('Update figures');
  });

  it('shows the label when the tags hold white space', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button gateway="/gw" report="sales">
      </connect-refresh-button>
    `);
    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const control = findAccessibilityNode(snapshot, (node) => node.role === 'button');

    expect(control?.name).to.equal('Refresh data');
  });

  it('shows the label attribute', async () => {
    sinon.stub(window, 'fetch').returns(new Promise(() => {}));
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button label="Reload sales" gateway="/gw" report="sales">
      </connect-refresh-button>
    `);

    expect(part(el, 'label')!.textContent!.trim()).to.equal('Reload sales');
  });
});

describe('ConnectRefreshButton.define', () => {
  it('does nothing when the tag is already defined', () => {
    ConnectRefreshButton.define();
    ConnectRefreshButton.define();

    expect(customElements.get('connect-refresh-button')).to.equal(ConnectRefreshButton);
  });

  it('registers a subclass under another tag', () => {
    class RenamedButton extends ConnectRefreshButton {}
    RenamedButton.define('renamed-refresh-button');
    RenamedButton.define('renamed-refresh-button');

    expect(customElements.get('renamed-refresh-button')).to.equal(RenamedButton);
  });
});
