import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import {
  REGIONS_GUID,
  SERVER_TEST_TIMEOUT_MS,
  startHarness,
  type Harness,
} from './harness.js';

/**
 * `regions` renders emea without a variant parameter and also allows apac. `apac-only` has
 * the same content and renders apac only, so it shares apac's renders with `regions`.
 */
const CONFIG = parseGatewayConfig({
  rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000 },
  reports: {
    regions: {
      guid: REGIONS_GUID, log: 'full', cooldown_s: 600, variant: 'emea', variants: ['apac'],
    },
    'apac-only': { guid: REGIONS_GUID, log: 'full', variant: 'apac' },
  },
});

/** Creates a fetch for the gateway's Connect client that records each request's path. */
function countingFetch() {
  const paths: string[] = [];
  const fetchAndCount: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    paths.push(new URL(url).pathname);
    return fetch(input, init);
  };
  return { fetch: fetchAndCount, paths };
}

function refreshVariant(harness: Harness, name: string, variant: string) {
  return harness.request(`/v1/reports/${name}/refresh?variant=${variant}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

async function activeVariantJobs(harness: Harness): Promise<string[]> {
  const jobs = await harness.connect.listJobs(REGIONS_GUID);
  return jobs
    .filter((job) => job.status === 0)
    .map((job) => job.variant_key ?? '(none)')
    .sort();
}

describe('report variants', { timeout: SERVER_TEST_TIMEOUT_MS }, () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    harness?.assertNoSecretsShown();
    await harness?.close();
    harness = undefined;
  });

  it('two variants render at once', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));

    const emea = await h.refresh('regions');
    const apac = await refreshVariant(h, 'regions', 'apac');
    assert.equal(emea.status, 202, emea.text);
    assert.equal(apac.status, 202, apac.text);
    assert.equal(emea.body.joined, false);
    assert.equal(apac.body.joined, false, 'apac does not join the emea render');
    assert.notEqual(apac.body.handle, emea.body.handle);
    assert.deepEqual(await activeVariantJobs(h), ['apac', 'emea'], 'both render on Connect');

    // Single flight per variant: each second request joins its own variant's render.
    const emeaAgain = await h.refresh('regions');
    const apacAgain = await refreshVariant(h, 'regions', 'apac');
    assert.equal(emeaAgain.body.joined, true);
    assert.equal(emeaAgain.body.handle, emea.body.handle);
    assert.equal(apacAgain.body.joined, true);
    assert.equal(apacAgain.body.handle, apac.body.handle);
    const shared = await h.refresh('apac-only');
    assert.equal(shared.body.joined, true, 'another report name of the variant joins it');

    const emeaStatus = await h.request('/v1/reports/regions');
    const apacStatus = await h.request('/v1/reports/regions?variant=apac');
    assert.equal(emeaStatus.body.variant, 'emea');
    assert.equal(emeaStatus.body.render?.handle, emea.body.handle);
    assert.equal(apacStatus.body.variant, 'apac');
    assert.equal(apacStatus.body.render?.handle, apac.body.handle);

    await h.finishRender('regions-apac', ['apac done'], 0);
    const apacEnd = await h.awaitOutcome(apac.body.handle);
    assert.equal(apacEnd.body.state, 'succeeded', apacEnd.text);
    assert.deepEqual(apacEnd.body.output.at(-1), 'apac done', 'the handle follows apac');
    const emeaRunning = await h.request('/v1/reports/regions');
    assert.equal(emeaRunning.body.render?.state, 'running', 'emea still renders');

    // Cooldown per variant: apac waits, while a refresh of emea still joins its render.
    const apacCooling = await refreshVariant(h, 'regions', 'apac');
    assert.equal(apacCooling.status, 429, apacCooling.text);
    assert.equal(apacCooling.body.error.code, 'cooldown');
    assert.match(apacCooling.body.error.message, /^Variant apac of report regions rendered/);
    const emeaJoin = await h.refresh('regions');
    assert.equal(emeaJoin.status, 202, emeaJoin.text);
    assert.equal(emeaJoin.body.joined, true);

    await h.finishRender('regions-emea', ['emea done'], 0);
    assert.equal((await h.awaitOutcome(emea.body.handle)).body.state, 'succeeded');
    const emeaCooling = await h.refresh('regions');
    assert.equal(emeaCooling.body.error?.code, 'cooldown', emeaCooling.text);
  });

  it('a lost task never takes the outcome of another variant', async () => {
    const h = (harness = await startHarness({
      config: CONFIG,
      gateway: { jobPollMs: 50, taskGraceMs: 200 },
    }));
    const emea = await h.refresh('regions');
    const apac = await refreshVariant(h, 'regions', 'apac');
    assert.equal(apac.status, 202, apac.text);
    await h.finishRender('regions-apac', [], 0);
    assert.equal((await h.awaitOutcome(apac.body.handle)).body.state, 'succeeded');

    // The restart kills the emea render; the newest job that emea did not know is apac's.
    await h.standIn.restart();
    const outcome = await h.awaitOutcome(emea.body.handle);
    assert.equal(outcome.body.state, 'unknown', outcome.text);
    assert.match(outcome.body.error, /without an exit code/);
  });

  it('cooldown of one variant spares the other', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));
    const apac = await refreshVariant(h, 'regions', 'apac');
    await h.finishRender('regions-apac', [], 0);
    assert.equal((await h.awaitOutcome(apac.body.handle)).body.state, 'succeeded');

    assert.equal((await refreshVariant(h, 'regions', 'apac')).status, 429);
    const emea = await h.refresh('regions');
    assert.equal(emea.status, 202, emea.text);
    assert.equal(emea.body.joined, false, 'emea starts a render of its own');
    await h.finishRender('regions-emea', [], 0);
    await h.awaitOutcome(emea.body.handle);

    const apacStatus = await h.request('/v1/reports/regions?variant=apac');
    const emeaStatus = await h.request('/v1/reports/regions');
    assert.equal(apacStatus.body.recent_durations.length, 1);
    assert.equal(emeaStatus.body.recent_durations.length, 1);
    assert.notEqual(apacStatus.body.last_rendered_at, null);
  });

  it('finds running renders per variant', async () => {
    const h = (harness = await startHarness({ config: CONFIG, gateway: { jobPollMs: 50 } }));
    // Started on Connect itself, as a schedule of the apac variant would.
    await h.connect.render(REGIONS_GUID, { variantKey: 'apac' });

    const emea = await h.request('/v1/reports/regions');
    assert.equal(emea.status, 200, emea.text);
    assert.equal(emea.body.render, null, 'the apac job is no emea render');
    const apac = await h.request('/v1/reports/regions?variant=apac');
    assert.equal(apac.body.render?.state, 'running', apac.text);
    const joined = await refreshVariant(h, 'regions', 'apac');
    assert.equal(joined.body.joined, true, 'a refresh joins the job');
    assert.equal(joined.body.handle, apac.body.render.handle);
    const started = await h.refresh('regions');
    assert.equal(started.body.joined, false, 'emea starts a render of its own');

    await h.finishRender('regions-apac', [], 0);
    await h.finishRender('regions-emea', [], 0);
    assert.equal((await h.awaitOutcome(apac.body.render.handle)).body.state, 'succeeded');
    assert.equal((await h.awaitOutcome(started.body.handle)).body.state, 'succeeded');
  });

  it('rejects other variants before Connect', async () => {
    const counter = countingFetch();
    const h = (harness = await startHarness({ config: CONFIG, gateway: { fetch: counter.fetch } }));
    const cases: Array<[string, RequestInit | undefined, number, string]> = [
      ['/v1/reports/regions?variant=latam', undefined, 404, 'unknown_variant'],
      ['/v1/reports/regions/renders?variant=latam', undefined, 404, 'unknown_variant'],
      ['/v1/reports/apac-only?variant=emea', undefined, 404, 'unknown_variant'],
      ['/v1/reports/regions?variant=bad%20key', undefined, 400, 'invalid_request'],
      ['/v1/reports/regions?variant=', undefined, 400, 'invalid_request'],
      ['/v1/reports/regions?variant=apac&variant=emea', undefined, 400, 'invalid_request'],
    ];
    const refresh = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    };
    cases.push(['/v1/reports/regions/refresh?variant=latam', refresh, 404, 'unknown_variant']);
    for (const [path, init, status, code] of cases) {
      const response = await h.request(path, init);
      assert.equal(response.status, status, `${path}: ${response.text}`);
      assert.equal(response.body.error.code, code, path);
    }
    assert.deepEqual(counter.paths, [], 'no Connect call');

    const unknown = await h.request('/v1/reports/regions?variant=latam');
    assert.equal(unknown.body.error.message, 'Report "regions" has no variant "latam" in the ' +
      'gateway\'s configuration: it allows "emea", "apac", or no variant parameter for its ' +
      'default.');
    const audit = h.logs.entries('refresh').at(-1);
    assert.equal(audit?.outcome, 'refused');
    assert.equal(audit?.code, 'unknown_variant');
  });

  it('names the variant in handles and logs', async () => {
    const h = (harness = await startHarness({ config: CONFIG }));
    const apac = await refreshVariant(h, 'apac-only', 'apac');
    assert.equal(apac.status, 202, apac.text);
    const payload = JSON.parse(Buffer.from(apac.body.handle.split('.')[0], 'base64url').toString());
    assert.equal(payload.v, 'apac');
    assert.equal(payload.r, 'apac-only');

    await h.finishRender('regions-apac', [], 1);
    const end = await h.awaitOutcome(apac.body.handle);
    assert.equal(end.body.state, 'failed');
    const finished = await h.logs.waitFor((entry) => entry.msg === 'render finished');
    assert.equal(finished.variant, 'apac');
    assert.equal(h.logs.entries('refresh').at(-1)?.variant, 'apac');
  });
});
