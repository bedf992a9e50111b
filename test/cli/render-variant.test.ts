import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { REGIONS_GUID, startHarness, type Harness } from '../gateway/harness.js';
import { startCli, waitForOutput } from './cli-process.js';
import { CLI_SUITE_TIMEOUT_MS, printedJson } from './render-fixtures.js';

/** `regions` renders emea unless a request names apac. */
const CONFIG = parseGatewayConfig({
  reports: {
    regions: { guid: REGIONS_GUID, log: 'full', variant: 'emea', variants: ['apac'] },
  },
});

describe('render and status of a variant', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ config: CONFIG });
  });

  after(async () => {
    await harness.close();
  });

  it('renders the variant that --variant names', async () => {
    const run = startCli(['render', 'regions', '--gateway', harness.gatewayUrl, '--variant', 'apac', '--json']);
    await waitForOutput(run, /render started, waiting for the test/);
    const active = (await harness.connect.listJobs(REGIONS_GUID)).filter((job) => job.status === 0);
    assert.deepEqual(active.map((job) => job.variant_key), ['apac']);

    const status = startCli(['status', 'regions', '--gateway', harness.gatewayUrl, '--variant', 'apac', '--json']);
    assert.equal(await status.exited, 0, status.output());
    assert.equal(printedJson(status).running, true, 'the status of apac shows its render');

    await harness.finishRender('regions-apac', ['apac done'], 0);
    assert.equal(await run.exited, 0, run.output());
    assert.equal(printedJson(run).state, 'succeeded');
    assert.match(run.output(), /^apac done$/m);
  });

  it('rejects a malformed or direct variant', async () => {
    const malformed = startCli(['render', 'regions', '--gateway', harness.gatewayUrl, '--variant', 'a b']);
    assert.equal(await malformed.exited, 2, malformed.output());
    assert.match(malformed.output(), /Invalid --variant: expected a variant key/);

    const direct = startCli(['render', REGIONS_GUID, '--variant', 'apac'],
      { CONNECT_SERVER: harness.standInUrl, CONNECT_API_KEY: harness.apiKey });
    assert.equal(await direct.exited, 2, direct.output());
    assert.match(direct.output(), /--variant requires --gateway/);
    assert.equal((await harness.connect.listJobs(REGIONS_GUID)).filter((job) => job.status === 0).length, 0);
  });
});
