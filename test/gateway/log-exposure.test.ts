import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { ERROR_TAIL_LINES } from '../../src/gateway/render-log.js';
import {
  QUIET_GUID,
  SALES_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

/** sales exposes the lines of failed renders, quiet every line; both redact customer ids. */
const CONFIG = parseGatewayConfig({
  reports: {
    sales: { guid: SALES_GUID, log: 'errors', redact: ['customer \\d+'] },
    quiet: { guid: QUIET_GUID, log: 'full', redact: ['customer \\d+'] },
  },
});

describe('log exposure', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  async function start(): Promise<Harness> {
    harness = await startHarness({ config: CONFIG });
    return harness;
  }

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  /** Lines that carry the gateway's secrets and other values redaction must remove. */
  function sensitiveLines(h: Harness): string[] {
    return [
      `connect key ${h.apiKey}`,
      `handle secret ${h.handleSecret}`,
      'db at postgres://report:hunter2@db.internal/sales',
      'password=hunter2',
      'paid by customer 4711',
    ];
  }

  const REDACTED_LINES = [
    'connect key [redacted]',
    'handle secret [redacted]',
    'db at postgres://[redacted]@db.internal/sales',
    'password=[redacted]',
    'paid by [redacted]',
  ];

  it('errors shows the tail of a failure', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    const running = await h.request(`/v1/renders/${refresh.body.handle}`);
    assert.deepEqual(running.body.output, []);
    assert.equal(running.body.next, 0);

    const numbered = Array.from({ length: 60 }, (_, index) => `step ${index + 1}`);
    await h.finishRender('sales', [...numbered, ...sensitiveLines(h)], 1);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'failed');
    assert.equal(outcome.body.output.length, ERROR_TAIL_LINES);
    assert.deepEqual(outcome.body.output.slice(-5), REDACTED_LINES);
    assert.equal(outcome.body.output[0], 'step 16');
    assert.equal(outcome.body.next, ERROR_TAIL_LINES);

    const tail = await h.request(`/v1/renders/${refresh.body.handle}?after=45`);
    assert.deepEqual(tail.body.output, REDACTED_LINES);
    const none = await h.request(`/v1/renders/${refresh.body.handle}?after=50`);
    assert.deepEqual(none.body.output, []);
  });

  it('errors hides a successful log', async () => {
    const h = await start();
    const refresh = await h.refresh('sales');
    await h.finishRender('sales', ['rendered', ...sensitiveLines(h)], 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.deepEqual(outcome.body.output, []);
    assert.equal(outcome.body.next, 0);
  });

  it('full redacts every line', async () => {
    const h = await start();
    const refresh = await h.refresh('quiet');
    await h.finishRender('quiet', sensitiveLines(h), 0);
    const outcome = await h.awaitOutcome(refresh.body.handle);
    assert.equal(outcome.body.state, 'succeeded');
    assert.deepEqual(outcome.body.output.slice(-5), REDACTED_LINES);
    assert.equal(outcome.body.next, outcome.body.output.length);
    assert.ok(!outcome.text.includes('hunter2'), outcome.text);
    assert.ok(!outcome.text.includes('4711'), outcome.text);
  });
});
