import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { renderStorageKey } from '../../src/element/render-memory.js';
import type { PendingRequest } from './gateway-double.js';
import {
  button,
  loadStatus,
  type Mounted,
  mount,
  part,
  refreshAccepted,
  renderProgress,
  reportStatus,
  SERVER_NOW,
  untilStatus,
} from './helpers.js';

const KEY = renderStorageKey('/gw', 'sales');

/** Clicks the button, accepts a render that started at `startedAt` and waits until it shows. */
async function startRender(mounted: Mounted, handle: string, startedAt: string): Promise<void> {
  const { el, gateway, clock } = mounted;
  button(el).click();
  (await gateway.next()).respond(202, refreshAccepted({ handle, started_at: startedAt }));
  await gateway.next();
  await clock.tickAsync(0);
  await el.updateComplete;
}

function estimate(mounted: Mounted): string | undefined {
  return part(mounted.el, 'estimate')?.textContent?.trim();
}

describe('connect-refresh-button own render durations', () => {
  afterEach(() => {
    sinon.restore();
    sessionStorage.clear();
  });

  it('counts a followed render at once', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    await loadStatus(mounted, { recent_durations: [240, 120] });
    button(el).click();
    (await gateway.next()).respond(202, refreshAccepted());
    const finishedAt = '2026-12-04T12:03:00.000Z';
    (await gateway.next()).respond(200, renderProgress({
      state: 'succeeded',
      started_at: SERVER_NOW,
      finished_at: finishedAt,
      last_rendered_at: finishedAt,
      server_time: '2026-12-04T12:03:30.000Z',
    }));
    await untilStatus(el, 'succeeded');

    await startRender(mounted, 'render-2', '2026-12-04T12:03:30.000Z');
    expect(el.status).to.equal('running');
    expect(estimate(mounted)).to.equal('usually 3–4 min');
  });

  it('skips a render the status counted', async () => {
    const stored = { handle: 'render-7', started_at: '2026-12-04T11:59:00.000Z' };
    const mounted = await mount(undefined, { session: { [KEY]: JSON.stringify(stored) } });
    const { el, gateway } = mounted;
    const sent: PendingRequest[] = [await gateway.next(), await gateway.next()];
    const read = sent.find((request) => request.url === '/gw/v1/reports/sales')!;
    const poll = sent.find((request) => request.url.startsWith('/gw/v1/renders/render-7'))!;

    // The gateway already counts the render, which ended at 12:00:00 after 60 s.
    read.respond(200, reportStatus({
      last_rendered_at: SERVER_NOW,
      recent_durations: [240, 120, 180],
    }));
    await read.bodyRead;
    poll.respond(200, renderProgress({
      handle: 'render-7',
      state: 'succeeded',
      started_at: stored.started_at,
      finished_at: SERVER_NOW,
      last_rendered_at: SERVER_NOW,
    }));
    await untilStatus(el, 'succeeded');

    await startRender(mounted, 'render-8', SERVER_NOW);
    expect(el.status).to.equal('running');
    expect(estimate(mounted)).to.equal('usually 3–4 min');
  });
});
