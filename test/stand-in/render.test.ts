import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  awaitTask,
  connectFixturesDir,
  PRIVATE_GUID,
  REPORT_GUID,
  SHINY_GUID,
  startTestStandIn,
  type TestStandIn,
  UNKNOWN_GUID,
} from './helpers.js';

const renderPath = (guid: string) => `/__api__/v1/content/${guid}/render`;

async function loadFixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(connectFixturesDir, name), 'utf8'));
}

describe('v1 render', () => {
  let test: TestStandIn;
  before(async () => {
    test = await startTestStandIn(['print:rendered']);
  });
  after(() => test.close());

  it('answers 202 with only a task id', async () => {
    const answer = await test.request(renderPath(REPORT_GUID), {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 202);
    assert.deepEqual(Object.keys(answer.body), ['task_id']);
    assert.match(answer.body.task_id, /^[A-Za-z0-9]{16}$/);
    await awaitTask(test, answer.body.task_id);
  });

  it('accepts the default variant key and null', async () => {
    const variants = await test.request(`/__api__/applications/${REPORT_GUID}/variants`, {
      as: 'publisher',
    });
    for (const body of [{ variant_key: variants.body[0].key }, { variant_key: null }]) {
      const answer = await test.request(renderPath(REPORT_GUID), {
        as: 'editor', method: 'POST', body: JSON.stringify(body),
      });
      assert.equal(answer.status, 202, JSON.stringify(body));
      await awaitTask(test, answer.body.task_id);
    }
  });

  it('accepts a missing body', async () => {
    const answer = await test.request(renderPath(REPORT_GUID), { as: 'admin', method: 'POST' });
    assert.equal(answer.status, 202);
    await awaitTask(test, answer.body.task_id);
  });

  it('rejects bad bodies with Connect codes', async () => {
    const cases: Array<[string, number, number]> = [
      ['{not json', 400, 121],
      ['[]', 400, 121],
      ['{"variant_key": null, "email": "none"}', 400, 25],
      ['{"variant_key": 7}', 400, 25],
      ['{"variant_key": "NoSuchKy"}', 404, 4],
    ];
    for (const [body, status, code] of cases) {
      const answer = await test.request(renderPath(REPORT_GUID), {
        as: 'publisher', method: 'POST', body, headers: { 'content-type': 'application/json' },
      });
      assert.equal(answer.status, status, body);
      assert.equal(answer.body.code, code, body);
      assert.equal(answer.body.payload, null, body);
      assert.equal(typeof answer.body.error, 'string', body);
    }
  });

  it('rejects a viewer with 403 code 22', async () => {
    const answer = await test.request(renderPath(REPORT_GUID), {
      as: 'viewer', method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body, await loadFixture('error-403-code22-permission-denied.json'));
  });

  it('rejects an interactive app with 400 code 39', async () => {
    const answer = await test.request(renderPath(SHINY_GUID), {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      code: 39, error: 'The application does not support this action.', payload: null,
    });
  });

  it('rejects unknown and hidden content', async () => {
    const unknown = await test.request(renderPath(UNKNOWN_GUID), {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, await loadFixture('error-404-code4-object-does-not-exist.json'));
    const hidden = await test.request(renderPath(PRIVATE_GUID), {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(hidden.status, 403);
    assert.equal(hidden.body.code, 19);
  });
});

describe('legacy variant render', () => {
  let test: TestStandIn;
  before(async () => {
    test = await startTestStandIn(['print:rendered']);
  });
  after(() => test.close());

  it('answers 200 with the recorded legacy task shape', async () => {
    const variants = await test.request(`/__api__/applications/${REPORT_GUID}/variants`, {
      as: 'publisher',
    });
    const answer = await test.request(`/__api__/variants/${variants.body[0].id}/render`, {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 200);
    const recorded = await loadFixture('legacy-variants-render-post-response.json');
    assert.deepEqual(Object.keys(answer.body).sort(), Object.keys(recorded).sort());
    assert.equal(typeof answer.body.id, 'string');
    assert.equal(answer.body.user_id, 1);
    assert.deepEqual(
      { ...answer.body, id: recorded.id, user_id: recorded.user_id },
      recorded,
    );
    const finished = await awaitTask(test, answer.body.id);
    assert.equal(finished.body.code, 0);
  });

  it('accepts no body and the old email settings', async () => {
    const variants = await test.request(`/__api__/applications/${REPORT_GUID}/variants`, {
      as: 'publisher',
    });
    const path = `/__api__/variants/${variants.body[0].id}/render`;
    const bare = await test.request(path, { as: 'publisher', method: 'POST' });
    assert.equal(bare.status, 200);
    const old = await test.request(`${path}?email=none&activate=true`, {
      as: 'publisher', method: 'POST', body: '{"email":"none","activate":true}',
    });
    assert.equal(old.status, 200);
    await awaitTask(test, bare.body.id);
    await awaitTask(test, old.body.id);
  });

  it('rejects viewers, apps and unknown variants', async () => {
    const report = await test.request(`/__api__/applications/${REPORT_GUID}/variants`, {
      as: 'viewer',
    });
    const viewer = await test.request(`/__api__/variants/${report.body[0].id}/render`, {
      as: 'viewer', method: 'POST', body: '{}',
    });
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.code, 22);
    const shiny = await test.request(`/__api__/applications/${SHINY_GUID}/variants`, {
      as: 'publisher',
    });
    const app = await test.request(`/__api__/variants/${shiny.body[0].id}/render`, {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(app.status, 400);
    assert.equal(app.body.code, 39);
    const unknown = await test.request('/__api__/variants/99999/render', {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 4);
  });
});

describe('v1 render switched off', () => {
  let test: TestStandIn;
  before(async () => {
    test = await startTestStandIn(['print:rendered'], { v1Render: false });
  });
  after(() => test.close());

  it('answers the plain-text 404 of a missing route', async () => {
    const answer = await test.request(renderPath(REPORT_GUID), {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 404);
    assert.equal(answer.text, '404 page not found\n');
    assert.equal(answer.body, undefined);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
  });

  it('keeps the legacy render', async () => {
    const variants = await test.request(`/__api__/applications/${REPORT_GUID}/variants`, {
      as: 'publisher',
    });
    const answer = await test.request(`/__api__/variants/${variants.body[0].id}/render`, {
      as: 'publisher', method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 200);
    await awaitTask(test, answer.body.id);
  });
});
