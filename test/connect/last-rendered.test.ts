import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { ConnectClient, newestSuccessfulRenderEnd, type Job } from '../../src/connect/index.js';
import { readFixture } from './fixtures.js';
import {
  jsonRoute,
  startScriptedServer,
  type RouteHandler,
  type ScriptedServer,
} from './scripted-server.js';

const API_KEY = 'k3yAbCdEf0123456789';
const GUID = 'g1';
const VARIANTS_ROUTE = `GET /__api__/applications/${GUID}/variants`;
const JOBS_ROUTE = `GET /__api__/v1/content/${GUID}/jobs`;
const CONTENT_ROUTE = `GET /__api__/v1/content/${GUID}`;
/** A content item whose deployment is newer than every render below. */
const CONTENT = { guid: GUID, name: 'report', app_mode: 'quarto-static',
  last_deployed_time: '2030-01-01T00:00:00Z' };

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(routes: Record<string, RouteHandler>): Promise<ConnectClient> {
  server = await startScriptedServer({ [CONTENT_ROUTE]: jsonRoute(CONTENT), ...routes });
  return new ConnectClient({ server: server.url, apiKey: API_KEY });
}

function job(fields: Partial<Record<keyof Job, unknown>>): Record<string, unknown> {
  return {
    id: '1', key: 'jobKey', tag: 'build_report', status: 2, start_time: null,
    end_time: '2025-03-01T10:00:00Z', exit_code: 0, ...fields,
  };
}

function variant(fields: Record<string, unknown>): Record<string, unknown> {
  return { id: 1, key: 'k', is_default: true, render_time: null, ...fields };
}

/** Jobs that must all be ignored, each newer than the successful render of 2025-03-01. */
const IGNORED_JOBS = [
  job({ id: '2', tag: 'run_app', end_time: '2025-03-05T00:00:00Z' }),
  job({ id: '3', exit_code: 1, end_time: '2025-03-06T00:00:00Z' }),
  job({ id: '4', status: 0, exit_code: null, end_time: null }),
  job({ id: '5', tag: 'python_restore', end_time: '2025-03-07T00:00:00Z' }),
  job({ id: '6', status: 0, end_time: '2025-03-08T00:00:00Z' }),
  job({ id: '7', status: 3, end_time: '2025-03-09T00:00:00Z' }),
];

describe('ConnectClient.getLastRenderedAt', () => {
  it('prefers the default variant render_time', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute(
        readFixture('legacy-applications-variants-default-and-second.json'),
      ),
      [JOBS_ROUTE]: jsonRoute([job({ end_time: '2030-06-01T00:00:00Z' })]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2024-08-02T20:11:35.180593Z');
    assert.deepEqual(server!.requests.map((request) => request.pathname),
      [`/__api__/applications/${GUID}/variants`]);
  });

  it('ignores a non-default variant render_time', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute([
        variant({ id: 1, is_default: false, render_time: '2025-09-09T00:00:00Z' }),
        variant({ id: 2, is_default: true, render_time: null }),
      ]),
      [JOBS_ROUTE]: jsonRoute([job({})]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-03-01T10:00:00Z');
  });

  it('falls back to jobs when the variants route is missing', async () => {
    const client = await clientFor({
      [JOBS_ROUTE]: jsonRoute([...IGNORED_JOBS, job({ id: '1' })]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-03-01T10:00:00Z');
  });

  it('falls back to jobs when variants are refused', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute(readFixture('error-403-code22-permission-denied.json'), 403),
      [JOBS_ROUTE]: jsonRoute([job({})]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-03-01T10:00:00Z');
  });

  it('falls back to jobs when variants change shape', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute({ variants: [variant({ render_time: '2025-09-09T00:00:00Z' })] }),
      [JOBS_ROUTE]: jsonRoute([job({})]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-03-01T10:00:00Z');
  });

  it('falls back to jobs without a render_time', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute([variant({})]),
      [JOBS_ROUTE]: jsonRoute([job({})]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-03-01T10:00:00Z');
  });

  it('picks the newest successful render job', async () => {
    const client = await clientFor({
      [JOBS_ROUTE]: jsonRoute([
        job({ id: '1', tag: 'build_site', end_time: '2025-03-01T10:00:00Z' }),
        job({ id: '2', tag: 'build_jupyter', end_time: '2025-03-02T10:00:00+02:00' }),
        job({ id: '3', tag: 'build_report', end_time: '2025-03-02T09:00:00Z' }),
      ]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-03-02T09:00:00Z');
  });

  it('counts finished and finalized jobs', async () => {
    const client = await clientFor({
      [JOBS_ROUTE]: jsonRoute([job({ status: 1, end_time: '2025-04-01T00:00:00Z' })]),
    });
    assert.equal(await client.getLastRenderedAt(GUID), '2025-04-01T00:00:00Z');
  });

  it('null when neither has a time', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute([variant({})]),
      [JOBS_ROUTE]: jsonRoute(IGNORED_JOBS),
    });
    assert.equal(await client.getLastRenderedAt(GUID), null);
  });

  it('never uses last_deployed_time', async () => {
    const client = await clientFor({ [JOBS_ROUTE]: jsonRoute([]) });
    assert.equal(await client.getLastRenderedAt(GUID), null);
    const paths = server!.requests.map((request) => request.pathname);
    assert.ok(!paths.includes(`/__api__/v1/content/${GUID}`));
  });

  it('ignores the app jobs of a recorded list', async () => {
    const client = await clientFor({
      [JOBS_ROUTE]: jsonRoute(readFixture('v1-content-jobs-2025.01-with-content-guid.json')),
    });
    assert.equal(await client.getLastRenderedAt(GUID), null);
  });

  it('raises a server error of the variants route', async () => {
    const client = await clientFor({
      [VARIANTS_ROUTE]: jsonRoute({ code: 1, error: 'internal', payload: null }, 500),
      [JOBS_ROUTE]: jsonRoute([job({})]),
    });
    await assert.rejects(client.getLastRenderedAt(GUID), { name: 'ConnectApiError', status: 500 });
  });

  it('raises a refused jobs route', async () => {
    const client = await clientFor({
      [JOBS_ROUTE]: jsonRoute(readFixture('error-403-code22-permission-denied.json'), 403),
    });
    await assert.rejects(client.getLastRenderedAt(GUID), { name: 'ConnectApiError', code: 22 });
  });
});

describe('newestSuccessfulRenderEnd', () => {
  it('compares instants, not strings', () => {
    const jobs: Job[] = [
      { id: '1', key: 'a', tag: 'build_report', status: 2, start_time: null,
        end_time: '2025-03-02T10:00:00+02:00', exit_code: 0, variant_id: null, variant_key: null, bundle_id: null },
      { id: '2', key: 'b', tag: 'build_report', status: 2, start_time: null,
        end_time: '2025-03-02T09:00:00Z', exit_code: 0, variant_id: null, variant_key: null, bundle_id: null },
    ];
    assert.equal(newestSuccessfulRenderEnd(jobs), '2025-03-02T09:00:00Z');
  });

  it('null for an empty list', () => {
    assert.equal(newestSuccessfulRenderEnd([]), null);
  });
});
