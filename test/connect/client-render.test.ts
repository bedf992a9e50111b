import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import {
  ConnectApiError,
  ConnectClient,
  NotRenderableError,
  VariantSelectionError,
} from '../../src/connect/index.js';
import { readFixture } from './fixtures.js';
import {
  jsonRoute,
  sendJson,
  startScriptedServer,
  type RouteHandler,
  type ScriptedServer,
} from './scripted-server.js';

const API_KEY = 'k3yAbCdEf0123456789';
const GUID = 'f2f37341-e21d-3d80-c698-a935ad614066';
const CONTENT_ROUTE = `GET /__api__/v1/content/${GUID}`;
const V1_RENDER_ROUTE = `POST /__api__/v1/content/${GUID}/render`;
const VARIANTS_ROUTE = `GET /__api__/applications/${GUID}/variants`;
const LEGACY_RESPONSE = readFixture('legacy-variants-render-post-response.json');
const TWO_VARIANTS = readFixture('legacy-applications-variants-default-and-second.json');

const report = jsonRoute(readFixture('v1-content-get-quarto-static.json'));

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(routes: Record<string, RouteHandler>): Promise<ConnectClient> {
  server = await startScriptedServer(routes);
  return new ConnectClient({ server: server.url, apiKey: API_KEY });
}

function requestLines(): string[] {
  return server!.requests.map((request) => `${request.method} ${request.pathname}`);
}

function variant(id: number, key: string, isDefault: boolean): Record<string, unknown> {
  return { id, key, is_default: isDefault, render_time: null };
}

describe('ConnectClient.render on the v1 route', () => {
  it('posts {} and returns the task id', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [V1_RENDER_ROUTE]: jsonRoute({ task_id: 'Qm7PzK2vT9wLx4Rb' }, 202),
    });
    const started = await client.render(GUID);
    assert.deepEqual(started, { taskId: 'Qm7PzK2vT9wLx4Rb', route: 'v1', cookie: null });
    assert.deepEqual(requestLines(), [CONTENT_ROUTE, V1_RENDER_ROUTE]);
    assert.deepEqual(JSON.parse(server!.requests[1]!.body), {});
  });

  it('posts the variant key when given', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [V1_RENDER_ROUTE]: jsonRoute({ task_id: 'T2' }, 202),
    });
    await client.render(GUID, { variantKey: 'WrEKKa77' });
    assert.deepEqual(JSON.parse(server!.requests[1]!.body), { variant_key: 'WrEKKa77' });
  });

  it('refuses a shiny app without a render request', async () => {
    const client = await clientFor({
      [`GET /__api__/v1/content/8f37d6e0`]: jsonRoute(readFixture('v1-content-get-shiny-app.json')),
      [`POST /__api__/v1/content/8f37d6e0/render`]: jsonRoute({ task_id: 'never' }, 202),
    });
    await assert.rejects(client.render('8f37d6e0'), (error: unknown) => {
      assert.ok(error instanceof NotRenderableError);
      assert.equal(error.guid, '8f37d6e0');
      assert.equal(error.appMode, 'shiny');
      assert.match(error.message, /Content 8f37d6e0 is a shiny, not a rendered report/);
      return true;
    });
    assert.deepEqual(requestLines(), ['GET /__api__/v1/content/8f37d6e0']);
  });

  it('does not fall back on a 404 with code 4', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [V1_RENDER_ROUTE]: jsonRoute(readFixture('error-404-code4-object-does-not-exist.json'), 404),
      [VARIANTS_ROUTE]: jsonRoute(readFixture('legacy-applications-variants-single-default.json')),
    });
    await assert.rejects(client.render(GUID), (error: unknown) => {
      assert.ok(error instanceof ConnectApiError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 4);
      return true;
    });
    assert.deepEqual(requestLines(), [CONTENT_ROUTE, V1_RENDER_ROUTE]);
  });

  it('does not fall back on a 403', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [V1_RENDER_ROUTE]: jsonRoute(readFixture('error-403-code22-permission-denied.json'), 403),
    });
    await assert.rejects(client.render(GUID), { name: 'ConnectApiError', status: 403, code: 22 });
    assert.equal(server!.requests.length, 2);
  });

  it('rejects v1 response without task_id', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [V1_RENDER_ROUTE]: jsonRoute({ id: 'T1' }, 202),
    });
    await assert.rejects(client.render(GUID), { name: 'ConnectResponseError', field: 'task_id' });
  });
});

describe('ConnectClient.render on the legacy route', () => {
  it('falls back on a 404 with code 2', async () => {
    const unsupported = { code: 2, error: 'The requested method or endpoint is not supported.', payload: null };
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [V1_RENDER_ROUTE]: jsonRoute(unsupported, 404),
      [VARIANTS_ROUTE]: jsonRoute(readFixture('legacy-applications-variants-single-default.json')),
      'POST /__api__/variants/6627/render': jsonRoute(LEGACY_RESPONSE),
    });
    const started = await client.render(GUID);
    assert.equal(started.route, 'legacy');
    assert.equal(started.taskId, 'v9XYo7OKkAQJPraI');
  });

  it('falls back on a plain-text 404', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute(readFixture('legacy-applications-variants-single-default.json')),
      'POST /__api__/variants/6627/render': jsonRoute(LEGACY_RESPONSE),
    });
    const started = await client.render(GUID);
    assert.deepEqual(started, { taskId: 'v9XYo7OKkAQJPraI', route: 'legacy', cookie: null });
    assert.deepEqual(requestLines(), [
      CONTENT_ROUTE,
      V1_RENDER_ROUTE,
      VARIANTS_ROUTE,
      'POST /__api__/variants/6627/render',
    ]);
    const legacyPost = server!.requests[3]!;
    assert.deepEqual(JSON.parse(legacyPost.body), {});
    assert.equal(legacyPost.headers['content-type'], 'application/json');
    assert.equal(legacyPost.headers.authorization, `Key ${API_KEY}`);
  });

  it('picks the default of two variants', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute(TWO_VARIANTS),
      'POST /__api__/variants/6644/render': jsonRoute(LEGACY_RESPONSE),
    });
    const started = await client.render(GUID);
    assert.equal(started.route, 'legacy');
    assert.equal(server!.requests.at(-1)!.pathname, '/__api__/variants/6644/render');
  });

  it('picks the variant by key', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute(TWO_VARIANTS),
      'POST /__api__/variants/6666/render': jsonRoute(LEGACY_RESPONSE),
    });
    await client.render(GUID, { variantKey: 'SECOND' });
    assert.equal(server!.requests.at(-1)!.pathname, '/__api__/variants/6666/render');
    assert.deepEqual(JSON.parse(server!.requests[1]!.body), { variant_key: 'SECOND' });
  });

  it('keeps cookies of legacy response', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute(readFixture('legacy-applications-variants-single-default.json')),
      'POST /__api__/variants/6627/render': (_request, response) =>
        sendJson(response, 200, LEGACY_RESPONSE, { 'Set-Cookie': 'RSC-NODE=node-a; Path=/' }),
    });
    const started = await client.render(GUID);
    assert.equal(started.cookie, 'RSC-NODE=node-a');
  });

  it('fails for an unknown variant key', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute(TWO_VARIANTS),
    });
    await assert.rejects(client.render(GUID, { variantKey: 'NOPE' }), (error: unknown) => {
      assert.ok(error instanceof VariantSelectionError);
      assert.equal(error.variantKey, 'NOPE');
      assert.equal(error.matches, 0);
      assert.match(error.message, /no variant with key "NOPE"/);
      return true;
    });
    assert.equal(server!.requests.length, 3);
  });

  it('fails without a default variant', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute([variant(1, 'a', false)]),
    });
    await assert.rejects(client.render(GUID), { name: 'VariantSelectionError', matches: 0 });
    assert.equal(server!.requests.length, 3);
  });

  it('fails with two default variants', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute([variant(1, 'a', true), variant(2, 'b', true)]),
    });
    await assert.rejects(client.render(GUID), {
      name: 'VariantSelectionError',
      matches: 2,
      message: /has 2 default variants/,
    });
    assert.equal(server!.requests.length, 3);
  });

  it('reads only id from legacy response', async () => {
    const client = await clientFor({
      [CONTENT_ROUTE]: report,
      [VARIANTS_ROUTE]: jsonRoute(readFixture('legacy-applications-variants-single-default.json')),
      'POST /__api__/variants/6627/render': jsonRoute({ task_id: 'v1-shaped' }),
    });
    await assert.rejects(client.render(GUID), { name: 'ConnectResponseError', field: 'id' });
  });
});
