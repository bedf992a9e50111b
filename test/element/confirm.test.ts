import { expect, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import {
  button,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  until,
} from './helpers.js';

/** An element in confirm mode for renders less than 10 minutes old. */
const confirmTemplate = html`
  <connect-refresh-button lang="en" gateway="/gw" report="sales" confirm-within="600"
  ></connect-refresh-button>
`;

function focused(mounted: Mounted): Element | null {
  return mounted.el.shadowRoot!.activeElement;
}

function posts(mounted: Mounted): number {
  return mounted.gateway.requests.filter((request) => request.method === 'POST').length;
}

/** Mounts in confirm mode with the last render 5 minutes ago, then clicks the button. */
async function askQuestion(): Promise<Mounted> {
  const mounted = await mount(confirmTemplate);
  await loadStatus(mounted);
  button(mounted.el).click();
  await until(mounted.el, () => part(mounted.el, 'confirm') !== null);
  await mounted.el.updateComplete;

  return mounted;
}

describe('connect-refresh-button confirm mode', () => {
  afterEach(() => sinon.restore());

  it('asks before refreshing a recent render', async () => {
    const mounted = await askQuestion();
    const question = part(mounted.el, 'confirm')!;

    expect(question.querySelector('#confirm-question')!.textContent)
      .to.equal('Updated 5 minutes ago. Refresh anyway?');
    expect(question.getAttribute('role')).to.equal('group');
    expect(question.getAttribute('aria-labelledby')).to.equal('confirm-question');
    expect(part(mounted.el, 'confirm-refresh')!.textContent!.trim()).to.equal('Refresh anyway');
    expect(part(mounted.el, 'confirm-cancel')!.textContent!.trim()).to.equal('Cancel');
    expect(focused(mounted)).to.equal(question);
    expect(posts(mounted)).to.equal(0);
    expect(mounted.el.status).to.equal('idle');
  });

  it('sends no request on a second click', async () => {
    const mounted = await askQuestion();
    button(mounted.el).click();
    await mounted.el.updateComplete;

    expect(posts(mounted)).to.equal(0);
    expect(part(mounted.el, 'confirm')).to.not.equal(null);
  });

  it('refreshes once confirmed', async () => {
    const mounted = await askQuestion();
    part(mounted.el, 'confirm-refresh')!.click();
    const post = await mounted.gateway.next();

    expect(post.method).to.equal('POST');
    expect(post.url).to.equal('/gw/v1/reports/sales/refresh');
    post.respond(202, refreshAccepted());
    await until(mounted.el, () => mounted.el.status === 'running');
    await mounted.el.updateComplete;
    expect(part(mounted.el, 'confirm')).to.equal(null);
    expect(focused(mounted)).to.equal(button(mounted.el));
  });

  it('cancels with the Cancel button', async () => {
    const mounted = await askQuestion();
    part(mounted.el, 'confirm-cancel')!.click();
    await mounted.el.updateComplete;
    await mounted.el.updateComplete;

    expect(part(mounted.el, 'confirm')).to.equal(null);
    expect(focused(mounted)).to.equal(button(mounted.el));
    expect(posts(mounted)).to.equal(0);
  });

  it('cancels with Escape', async () => {
    const mounted = await askQuestion();
    // sendKeys needs real timers.
    mounted.clock.restore();
    await sendKeys({ press: 'Tab' });
    expect(focused(mounted)).to.equal(part(mounted.el, 'confirm-refresh'));

    await sendKeys({ press: 'Escape' });
    await until(mounted.el, () => part(mounted.el, 'confirm') === null);
    await mounted.el.updateComplete;

    expect(focused(mounted)).to.equal(button(mounted.el));
    expect(posts(mounted)).to.equal(0);
  });

  it('confirms with the keyboard', async () => {
    const mounted = await askQuestion();
    // sendKeys needs real timers.
    mounted.clock.restore();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    const post = await mounted.gateway.next();

    expect(post.method).to.equal('POST');
  });

  it('does not ask about an older render', async () => {
    const mounted = await mount(html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales" confirm-within="240"
      ></connect-refresh-button>
    `);
    await loadStatus(mounted);
    button(mounted.el).click();
    const post = await mounted.gateway.next();

    expect(post.method).to.equal('POST');
    expect(part(mounted.el, 'confirm')).to.equal(null);
  });

  it('does not ask without a render', async () => {
    const mounted = await mount(confirmTemplate);
    await loadStatus(mounted, { last_rendered_at: null });
    button(mounted.el).click();

    expect((await mounted.gateway.next()).method).to.equal('POST');
  });

  it('does not ask from startRefresh', async () => {
    const mounted = await mount(confirmTemplate);
    await loadStatus(mounted);
    mounted.el.startRefresh();

    expect((await mounted.gateway.next()).method).to.equal('POST');
  });

  it('reads confirm-within in seconds', async () => {
    const mounted = await mount(confirmTemplate);

    for (const [value, seconds] of [['300', 300], ['90.5', 90.5], ['', 0], ['-5', 0],
      ['ten', 0], ['Infinity', 0]] as const) {
      mounted.el.setAttribute('confirm-within', value);
      expect(mounted.el.confirmWithin, value).to.equal(seconds);
    }

    mounted.el.removeAttribute('confirm-within');
    expect(mounted.el.confirmWithin).to.equal(0);
  });

  it('passes axe while asking', async () => {
    const mounted = await askQuestion();
    mounted.clock.restore();

    await expect(mounted.el).to.be.accessible();
  });
});
