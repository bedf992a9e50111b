import { expect, html } from '@open-wc/testing';
import sinon from 'sinon';
import type { TemplateResult } from 'lit';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import type { PendingRequest } from './gateway-double.js';
import {
  button,
  mount,
  type Mounted,
  part,
  refreshAccepted,
  reportStatus,
  until,
} from './helpers.js';

/** Responds to the status read, starts a refresh, and returns the read, post and first poll. */
async function readAndRefresh({ el, gateway }: Mounted): Promise<PendingRequest[]> {
  const read = await gateway.next();
  read.respond(200, reportStatus());
  await until(el, () => part(el, 'time') !== null);
  button(el).click();
  const post = await gateway.next();
  post.respond(202, refreshAccepted());
  const poll = await gateway.next();

  return [read, post, poll];
}

function modes(requests: PendingRequest[]): Array<RequestCredentials | undefined> {
  return requests.map((request) => request.init.credentials);
}

describe('connect-refresh-button with-credentials', () => {
  afterEach(() => sinon.restore());

  const cases: Array<[string, TemplateResult, RequestCredentials]> = [
    ['no attribute', html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
    `, 'same-origin'],
    ['the attribute', html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales" with-credentials>
      </connect-refresh-button>
    `, 'include'],
    ['"false"', html`
      <connect-refresh-button lang="en" gateway="/gw" report="sales" with-credentials="false">
      </connect-refresh-button>
    `, 'same-origin'],
  ];

  for (const [name, template, expected] of cases) {
    it(`fetches with ${expected} for ${name}`, async () => {
      const mounted = await mount(template);
      const requests = await readAndRefresh(mounted);

      expect(modes(requests)).to.deep.equal([expected, expected, expected]);
    });
  }

  it('applies a property change to the next request', async () => {
    const mounted = await mount();
    const { el, gateway } = mounted;
    const read = await gateway.next();
    read.respond(200, reportStatus());
    await until(el, () => part(el, 'time') !== null);
    el.withCredentials = true;
    button(el).click();
    const post = await gateway.next();

    expect(read.init.credentials).to.equal('same-origin');
    expect(post.init.credentials).to.equal('include');
  });

  it('keeps elements that differ in cookies apart', async () => {
    const mounted = await mount(html`
      <div>
        <connect-refresh-button lang="en" gateway="/gw" report="sales"></connect-refresh-button>
        <connect-refresh-button lang="en" gateway="/gw" report="sales" with-credentials>
        </connect-refresh-button>
      </div>
    `);
    const { gateway } = mounted;
    const [first, second] = [...mounted.el.querySelectorAll<ConnectRefreshButton>(
      'connect-refresh-button')];
    const reads = [await gateway.next(), await gateway.next()];
    reads.forEach((read) => read.respond(200, reportStatus()));
    await until(first!, () => part(first!, 'time') !== null);
    await until(second!, () => part(second!, 'time') !== null);

    expect(modes(reads)).to.have.members(['same-origin', 'include']);
    button(first!).click();
    (await gateway.next()).respond(202, refreshAccepted());
    await gateway.next();
    await second!.updateComplete;
    expect(second!.status).to.equal('idle');
  });
});
