import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/index.js';
import {
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

const STUCK_WARNING = "Render exceeded the report's max_duration and may be stuck; it keeps running";

/** Two reports of one content: `sales` may run 1 s, `slow` has no limit. */
const CONFIG = parseGatewayConfig({
  rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000 },
  reports: {
    sales: { guid: SALES_GUID, log: 'full', max_duration: 1 },
    slow: { guid: SALES_GUID, log: 'full' },
  },
});

describe('max_duration', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('marks a long render stuck', async () => {
    const h = await startHarness({ config: CONFIG });
    harness = h;
    const refresh = await h.refresh('sales');
    assert.equal(refresh.status, 202, refresh.text);
    const first = await h.request(`/v1/renders/${refresh.body.handle}?wait=0`);
    assert.equal(first.body.stuck, false);

    // The held request ends when the render becomes stuck, not at the end of its wait.
    const heldPath = `/v1/renders/${refresh.body.handle}?after=${first.body.next}&wait=20`;
    const heldProgress = await h.request(heldPath);
    assert.equal(heldProgress.status, 200, heldProgress.text);
    assert.equal(heldProgress.body.state, 'running');
    assert.equal(heldProgress.body.stuck, true);
    assert.ok(Date.now() - Date.parse(refresh.body.started_at) >= 1_000);

    const again = await h.request(`/v1/renders/${refresh.body.handle}?wait=0`);
    assert.equal(again.body.stuck, true);
    assert.equal(h.logs.entries(STUCK_WARNING).length, 1, 'one warning');

    const joined = await h.refresh('sales');
    assert.equal(joined.body.joined, true, 'single flight holds');

    await h.finishRender('sales', ['done'], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.equal(outcome.body.stuck, false);
  });

  it('applies per report name', async () => {
    const h = await startHarness({ config: CONFIG });
    harness = h;
    const refresh = await h.refresh('slow');
    const joined = await h.refresh('sales');
    assert.equal(joined.body.joined, true);
    await h.logs.waitFor((entry) => entry.msg === STUCK_WARNING);

    const slow = await h.request(`/v1/renders/${refresh.body.handle}?wait=0`);
    assert.equal(slow.body.stuck, false);
    const sales = await h.request(`/v1/renders/${joined.body.handle}?wait=0`);
    assert.equal(sales.body.stuck, true);
    const [warning] = h.logs.entries(STUCK_WARNING);
    assert.equal(warning?.report, 'sales');
    assert.equal(warning?.maxDurationS, 1);
  });

  it('rejects a zero max_duration', () => {
    assert.throws(
      () => parseGatewayConfig({ reports: { sales: { guid: SALES_GUID, max_duration: 0 } } }),
      /reports\.sales\.max_duration: expected a whole number of seconds, 1 or more, got 0/,
    );
  });
});
