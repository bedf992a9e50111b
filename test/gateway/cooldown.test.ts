import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { describeAgo, describeDuration } from '../../src/gateway/cooldown.js';
import {
  QUIET_GUID,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

const CONFIG = parseGatewayConfig({
  reports: {
    sales: { guid: SALES_GUID, log: 'full', cooldown_s: 300 },
    quiet: { guid: QUIET_GUID },
  },
});

describe('cooldown wording', () => {
  it('describes the time since the render', () => {
    const cases: Array<[number, string]> = [
      [400, 'just now'],
      [1_000, '1 second ago'],
      [59_999, '59 seconds ago'],
      [60_000, '1 minute ago'],
      [119_000, '1 minute ago'],
      [7_199_000, '119 minutes ago'],
      [7_200_000, '2 hours ago'],
    ];
    for (const [agoMs, text] of cases) {
      assert.equal(describeAgo(agoMs), text, `${agoMs} ms`);
    }
  });

  it('rounds the wait up', () => {
    const cases: Array<[number, string]> = [
      [1, '1 second'],
      [45, '45 seconds'],
      [60, '1 minute'],
      [61, '2 minutes'],
      [239, '4 minutes'],
      [7_200, '2 hours'],
      [7_201, '3 hours'],
    ];
    for (const [seconds, text] of cases) {
      assert.equal(describeDuration(seconds), text, `${seconds} s`);
    }
  });
});

describe('refresh cooldown', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(): Promise<Harness> {
    harness = await startHarness({ config: CONFIG, gateway: { jobPollMs: 50 } });
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  async function renderOnce(h: Harness, name: 'sales' | 'quiet'): Promise<void> {
    const refresh = await h.refresh(name);
    assert.equal(refresh.status, 202, refresh.text);
    await h.finishRender(name, [], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
  }

  it('refuses a refresh after a success', async () => {
    const h = await start();
    await renderOnce(h, 'sales');
    const refused = await h.refresh('sales');
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.error.code, 'cooldown');
    assert.match(
      refused.body.error.message,
      /^Report sales rendered (just now|\d+ seconds? ago); refresh again in 5 minutes\.$/,
    );
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 290, `Retry-After: ${retryAfter}`);
    assert.ok(retryAfter <= 300, `Retry-After: ${retryAfter}`);
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 1, 'no second render');

    const audit = h.logs.entries('refresh').filter((entry) => entry.outcome === 'refused');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.code, 'cooldown');
  });

  it('still joins a running render', async () => {
    const h = await start();
    await renderOnce(h, 'sales');
    // A render started on Connect itself, during the cooldown.
    await h.connect.render(SALES_GUID);
    const joined = await h.refresh('sales');
    assert.equal(joined.status, 202, joined.text);
    assert.equal(joined.body.joined, true);

    await h.finishRender('sales', [], 0);
    const outcome = await h.awaitOutcome(joined.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal((await h.connect.listJobs(SALES_GUID)).length, 2);
  });

  it('allows refreshes without a cooldown', async () => {
    const h = await start();
    await renderOnce(h, 'quiet');
    const again = await h.refresh('quiet');
    assert.equal(again.status, 202, again.text);
    assert.equal(again.body.joined, false);
  });
});
