import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import {
  button,
  errorBody,
  loadStatus,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  renderProgress,
  untilStatus,
} from './helpers.js';

/** Width in px of the element's container in these tests. */
const CONTAINER_WIDTH = 320;

/** A string without a space or any other break opportunity, far wider than the container. */
const UNBROKEN = 'x'.repeat(400);

/** Mounts the element in a container of CONTAINER_WIDTH px. */
async function mountNarrow(): Promise<Mounted> {
  const mounted = await mount();
  mounted.el.parentElement!.style.inlineSize = `${CONTAINER_WIDTH}px`;

  return mounted;
}

/** Returns the right edge of `node` in px from the viewport's left edge. */
function rightEdge(node: Element): number {
  return node.getBoundingClientRect().right;
}

describe('connect-refresh-button in a narrow container', () => {
  afterEach(() => sinon.restore());

  it('wraps an unbroken render log line', async () => {
    const mounted = await mountNarrow();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    (await gateway.next()).respond(200, renderProgress({
      state: 'failed',
      output: [UNBROKEN],
      next: 1,
      error: 'exit status 1',
    }));
    await untilStatus(el, 'failed');
    await el.updateComplete;

    const containerRight = rightEdge(el.parentElement!);
    const pre = part(el, 'log')!.querySelector('pre')!;
    expect(el.getBoundingClientRect().width).to.be.at.most(CONTAINER_WIDTH);
    expect(rightEdge(pre)).to.be.at.most(containerRight);
  });

  it('wraps an unbroken detail', async () => {
    const mounted = await mountNarrow();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();
    (await gateway.next()).respond(502, errorBody('connect_error', UNBROKEN));
    await failed;
    await el.updateComplete;
    const details = part(el, 'detail') as HTMLDetailsElement;
    details.open = true;

    const containerRight = rightEdge(el.parentElement!);
    expect(el.getBoundingClientRect().width).to.be.at.most(CONTAINER_WIDTH);
    expect(rightEdge(details.querySelector('p')!)).to.be.at.most(containerRight);
  });

  it('wraps an unbroken message', async () => {
    const mounted = await mountNarrow();
    const { el, gateway } = mounted;
    await loadStatus(mounted);
    const failed = oneEvent(el, 'connect-refresh-error');
    button(el).click();
    (await gateway.next()).respond(400, errorBody('invalid_request', UNBROKEN));
    await failed;
    await el.updateComplete;

    const message = part(el, 'message')!;
    expect(message.textContent).to.include(UNBROKEN);
    expect(el.getBoundingClientRect().width).to.be.at.most(CONTAINER_WIDTH);
    expect(rightEdge(message)).to.be.at.most(rightEdge(el.parentElement!));
  });
});
