import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import { removeTitleBadge } from '../../src/element/title-badge.js';
import {
  button,
  loadStatus,
  mount,
  type Mounted,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

const PAGE_TITLE = 'Sales dashboard';

/** A stand-in for the browser's Notification class that records what the element shows. */
class FakeNotification extends EventTarget {
  static permission: NotificationPermission = 'granted';
  static requestPermission = sinon.stub();
  static created: Array<{ title: string; options: NotificationOptions }> = [];

  constructor(title: string, options: NotificationOptions = {}) {
    super();
    FakeNotification.created.push({ title, options });
  }

  close(): void {}
}

/** Stubs `document.visibilityState`. The returned `set` changes it and fires `visibilitychange`. */
function stubVisibility(): { set(state: DocumentVisibilityState): void } {
  let state: DocumentVisibilityState = 'visible';
  sinon.stub(document, 'visibilityState').get(() => state);

  return {
    set(next) {
      state = next;
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

const notifyTemplate = html`
  <connect-refresh-button lang="en" gateway="/gw" report="sales" notify></connect-refresh-button>
`;

let lastHandle = 0;

/**
 * Clicks the button, accepts the refresh under a new handle and returns the first render poll.
 * Each test needs its own handle, because the page reports each render once.
 */
async function startFollowing(mounted: Mounted) {
  lastHandle += 1;
  const handle = `render-${lastHandle}`;
  await loadStatus(mounted);
  button(mounted.el).click();
  (await mounted.gateway.next()).respond(202, refreshAccepted({ handle }));

  return { handle, poll: await mounted.gateway.next() };
}

describe('connect-refresh-button notify', () => {
  beforeEach(() => {
    document.title = PAGE_TITLE;
    FakeNotification.permission = 'granted';
    FakeNotification.requestPermission = sinon.stub().resolves('granted');
    FakeNotification.created = [];
    sinon.replace(window, 'Notification', FakeNotification as unknown as typeof Notification);
  });

  afterEach(() => {
    sinon.restore();
    removeTitleBadge();
  });

  it('asks permission on the click, not on load', async () => {
    FakeNotification.permission = 'default';
    const mounted = await mount(notifyTemplate);
    await loadStatus(mounted);
    expect(FakeNotification.requestPermission.callCount).to.equal(0);

    button(mounted.el).click();
    await mounted.gateway.next();

    expect(FakeNotification.requestPermission.callCount).to.equal(1);
  });

  it('asks nothing once the person decided', async () => {
    FakeNotification.permission = 'denied';
    const mounted = await mount(notifyTemplate);
    await loadStatus(mounted);
    button(mounted.el).click();
    await mounted.gateway.next();

    expect(FakeNotification.requestPermission.callCount).to.equal(0);
  });

  it('asks nothing without notify', async () => {
    FakeNotification.permission = 'default';
    const mounted = await mount(html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales" notify="FALSE"
      ></connect-refresh-button>
    `);
    await loadStatus(mounted);
    button(mounted.el).click();
    await mounted.gateway.next();

    expect(FakeNotification.requestPermission.callCount).to.equal(0);
  });

  it('notifies and badges when hidden', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');

    expect(FakeNotification.created).to.have.length(1);
    expect(FakeNotification.created[0]!.title).to.equal('Sales overview');
    expect(FakeNotification.created[0]!.options.body).to.equal('Refresh finished.');
    expect(FakeNotification.created[0]!.options.lang).to.equal('en');
    expect(document.title).to.equal(`✓ ${PAGE_TITLE}`);

    visibility.set('visible');
    expect(document.title).to.equal(PAGE_TITLE);
  });

  it('badges a failed render with a cross', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'failed', error: 'Exit 1' }));
    await untilStatus(mounted.el, 'failed');

    expect(FakeNotification.created[0]!.options.body).to.equal('Refresh failed. '
      + 'The report failed while rendering. Try again, or ask the owner of the report to check '
      + 'its render log.');
    expect(document.title).to.equal(`✕ ${PAGE_TITLE}`);
  });

  it('badges a lost render with a question mark', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'unknown', error: 'Task not found.' }));
    await untilStatus(mounted.el, 'unknown');

    expect(FakeNotification.created[0]!.options.body).to.equal('Refresh outcome unknown. '
      + 'The refresh service lost this render, so its outcome is unknown. Check whether the '
      + 'report was updated, or refresh again.');
    expect(document.title).to.equal(`? ${PAGE_TITLE}`);
  });

  it('notifies of a cancelled render', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({
      handle,
      state: 'cancelled',
      error: 'A report owner cancelled the render.',
    }));
    await untilStatus(mounted.el, 'cancelled');

    expect(FakeNotification.created).to.have.length(1);
    expect(FakeNotification.created[0]!.options.body).to.equal('Refresh cancelled. '
      + 'A report owner cancelled the render. The report keeps its last output.');
    expect(document.title).to.equal(`✕ ${PAGE_TITLE}`);
  });

  it('does nothing while visible', async () => {
    stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    poll.respond(200, renderProgress({ handle, state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');

    expect(FakeNotification.created).to.have.length(0);
    expect(document.title).to.equal(PAGE_TITLE);
  });

  it('only badges when permission is denied', async () => {
    FakeNotification.permission = 'denied';
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');

    expect(FakeNotification.created).to.have.length(0);
    expect(document.title).to.equal(`✓ ${PAGE_TITLE}`);
  });

  it('works without the Notification API', async () => {
    sinon.restore();
    sinon.stub(window, 'Notification').value(undefined);
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');

    expect(document.title).to.equal(`✓ ${PAGE_TITLE}`);
  });

  it('notifies once for elements sharing a render', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales" notify
        ></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="sales" notify
        ></connect-refresh-button>
      </div>
    `);
    const [first, second] = mounted.el.querySelectorAll('connect-refresh-button');
    await loadStatus({ ...mounted, el: first! });
    await second!.updateComplete;
    button(first!).click();
    const handle = 'render-shared';
    (await mounted.gateway.next()).respond(202, refreshAccepted({ handle }));
    const poll = await mounted.gateway.next();
    await untilStatus(second!, 'running');

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'succeeded' }));
    await untilStatus(first!, 'succeeded');
    await untilStatus(second!, 'succeeded');

    expect(FakeNotification.created).to.have.length(1);
    expect(document.title).to.equal(`✓ ${PAGE_TITLE}`);
  });

  it('keeps polling while hidden', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, output: ['a'], next: 1 }));
    const next = await mounted.gateway.next();

    expect(next.url).to.equal(`/gw/v1/renders/${handle}?after=1&wait=20`);
  });

  it('keeps a title that the page changed', async () => {
    const visibility = stubVisibility();
    const mounted = await mount(notifyTemplate);
    const { handle, poll } = await startFollowing(mounted);

    visibility.set('hidden');
    poll.respond(200, renderProgress({ handle, state: 'succeeded' }));
    await untilStatus(mounted.el, 'succeeded');
    document.title = 'Sales dashboard (3 new rows)';
    visibility.set('visible');

    expect(document.title).to.equal('Sales dashboard (3 new rows)');
  });
});
