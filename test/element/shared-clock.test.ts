import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { REQUEST_TIMEOUT_MS } from '../../src/element/gateway-client.js';
import { subscriberCount } from '../../src/element/shared-clock.js';
import { mount, part, reportStatus, until } from './helpers.js';

const threeButtons = html`
  <div lang="en">
    <connect-refresh-button gateway="/gw" report="sales"></connect-refresh-button>
    <connect-refresh-button gateway="/gw" report="costs"></connect-refresh-button>
    <connect-refresh-button gateway="/gw" report="stock"></connect-refresh-button>
  </div>
`;

describe('shared clock', () => {
  afterEach(() => sinon.restore());

  it('ticks three elements with one timer', async () => {
    const { el: container, gateway, clock } = await mount(threeButtons);
    const buttons = [...container.querySelectorAll<ConnectRefreshButton>('connect-refresh-button')];

    for (let i = 0; i < buttons.length; i += 1) {
      const lastRenderedAt = '2026-12-04T11:59:50Z';
      (await gateway.next()).respond(200, reportStatus({ last_rendered_at: lastRenderedAt }));
    }

    for (const button of buttons) {
      await until(button, () => part(button, 'time') !== null);
    }

    expect(clock.countTimers()).to.equal(1);
    await clock.tickAsync(1000);
    expect(clock.countTimers()).to.equal(1);

    for (const button of buttons) {
      expect(part(button, 'time')!.textContent).to.equal('11 seconds ago');
    }

    const scheduled = sinon.spy(window, 'setTimeout');
    await clock.tickAsync(5000);
    expect(scheduled.callCount).to.equal(5);
  });

  it('stops when the last element leaves', async () => {
    const { el: container, gateway, clock } = await mount(threeButtons);

    for (let i = 0; i < 3; i += 1) {
      (await gateway.next()).respond(200, reportStatus());
    }

    const buttons = [...container.querySelectorAll<ConnectRefreshButton>('connect-refresh-button')];
    await until(buttons[2]!, () => part(buttons[2]!, 'time') !== null);
    expect(clock.countTimers()).to.equal(1);

    buttons[0]!.remove();
    buttons[1]!.remove();
    expect(clock.countTimers()).to.equal(1);
    buttons[2]!.remove();
    expect(clock.countTimers()).to.equal(0);
    expect(subscriberCount()).to.equal(0);
  });

  it('ticks every second while one element counts seconds', async () => {
    const { el: container, gateway, clock } = await mount(threeButtons);
    const ages = ['2026-12-04T11:59:30Z', '2026-12-04T11:00:00Z', '2026-12-04T10:00:00Z'];

    for (const age of ages) {
      (await gateway.next()).respond(200, reportStatus({ last_rendered_at: age }));
    }

    const buttons = [...container.querySelectorAll<ConnectRefreshButton>('connect-refresh-button')];
    await until(buttons[0]!, () => part(buttons[0]!, 'time') !== null);
    const scheduled = sinon.spy(window, 'setTimeout');

    await clock.tickAsync(10_000);
    expect(scheduled.callCount).to.equal(10);

    await clock.tickAsync(30_000);
    scheduled.resetHistory();
    await clock.tickAsync(60_000);
    // The status reads at 60 s add one request timeout per element.
    const ticks = scheduled.getCalls().filter((call) => call.args[1] !== REQUEST_TIMEOUT_MS);
    expect(ticks).to.have.length(2);
  });
});
