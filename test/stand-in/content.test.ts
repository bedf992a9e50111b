import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseStandInConfig, startStandIn } from '../../src/stand-in/index.js';
import {
  connectFixturesDir,
  fixturesDir,
  KEYS,
  PRIVATE_GUID,
  PUBLIC_GUID,
  REPORT_GUID,
  sendRequest,
  SHINY_GUID,
  startTestStandIn,
  type TestStandIn,
  UNKNOWN_GUID,
} from './helpers.js';

const AUTH_REQUIRED = {
  code: 24,
  error: 'The requested operation requires authentication.',
  payload: null,
};

async function loadFixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(connectFixturesDir, name), 'utf8'));
}

describe('authentication', () => {
  let test: TestStandIn;
  before(async () => {
    test = await startTestStandIn();
  });
  after(() => test.close());

  it('missing or unknown key answers 401 code 24', async () => {
    const path = `/__api__/v1/content/${REPORT_GUID}`;
    const headerCases: Array<Record<string, string>> = [
      {},
      { authorization: 'Key not-a-configured-key' },
      { authorization: `Bearer ${KEYS.publisher}` },
      { authorization: 'Key' },
    ];
    for (const headers of headerCases) {
      const answer = await test.request(path, { headers });
      assert.equal(answer.status, 401, JSON.stringify(headers));
      assert.deepEqual(answer.body, AUTH_REQUIRED);
    }
  });

  it('every API route needs a key', async () => {
    const paths = [
      `/__api__/applications/${REPORT_GUID}/variants`,
      '/__api__/variants/1',
      '/__api__/variants/1/renderings',
      `/__api__/v1/content/${REPORT_GUID}/jobs`,
      '/__api__/v1/tasks/AAAAAAAAAAAAAAAA',
    ];
    for (const path of paths) {
      const answer = await test.request(path);
      assert.equal(answer.status, 401, path);
    }
    const render = await test.request(`/__api__/v1/content/${REPORT_GUID}/render`, {
      method: 'POST', body: '{}',
    });
    assert.equal(render.status, 401);
    const legacy = await test.request('/__api__/variants/1/render', { method: 'POST' });
    assert.equal(legacy.status, 401);
  });

  it('unknown routes answer plain-text 404', async () => {
    for (const path of ['/__api__/v1/nothing', '/__api__/v1/content', '/elsewhere']) {
      const answer = await test.request(path, { as: 'publisher' });
      assert.equal(answer.status, 404, path);
      assert.equal(answer.text, '404 page not found\n', path);
    }
  });

  it('echoes or generates X-Correlation-ID', async () => {
    const echoed = await test.request(`/__api__/v1/content/${REPORT_GUID}`, {
      as: 'publisher', headers: { 'x-correlation-id': 'trace-1234' },
    });
    assert.equal(echoed.headers.get('x-correlation-id'), 'trace-1234');
    const generated = await test.request('/__api__/v1/nothing');
    assert.match(generated.headers.get('x-correlation-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

describe('content object', () => {
  let test: TestStandIn;
  before(async () => {
    test = await startTestStandIn();
  });
  after(() => test.close());

  it('has the recorded fields and types', async () => {
    const answer = await test.request(`/__api__/v1/content/${REPORT_GUID}`, { as: 'publisher' });
    assert.equal(answer.status, 200);
    const recordedFields = new Set<string>();
    for (const name of ['v1-content-get-quarto-static.json', 'v1-content-get-shiny-app.json']) {
      const recorded = await loadFixture(name);
      delete recorded.tags;
      delete recorded.owner;
      for (const [field, value] of Object.entries(recorded)) {
        recordedFields.add(field);
        assert.ok(field in answer.body, `${name}: missing ${field}`);
        if (value !== null && answer.body[field] !== null) {
          assert.equal(typeof answer.body[field], typeof value, `${name}: type of ${field}`);
        }
      }
    }
    for (const field of Object.keys(answer.body)) {
      assert.ok(recordedFields.has(field), `${field} is in no recorded answer`);
    }
  });

  it('describes the configured content', async () => {
    const { body } = await test.request(`/__api__/v1/content/${REPORT_GUID}`, { as: 'editor' });
    assert.equal(body.guid, REPORT_GUID);
    assert.equal(body.name, 'sales-summary');
    assert.equal(body.title, 'Sales summary');
    assert.equal(body.app_mode, 'rmd-static');
    assert.equal(body.access_type, 'acl');
    assert.equal(body.app_role, 'editor');
    assert.match(body.id, /^\d+$/);
    assert.match(body.bundle_id, /^\d+$/);
    assert.equal(body.content_url, `${test.url}/content/${REPORT_GUID}/`);
    assert.equal(body.dashboard_url, `${test.url}/connect/#/apps/${REPORT_GUID}`);
    assert.match(body.created_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('reports the caller app_role', async () => {
    const cases: Array<[string, Parameters<TestStandIn['request']>[1], string]> = [
      [REPORT_GUID, { as: 'publisher' }, 'owner'],
      [REPORT_GUID, { as: 'editor' }, 'editor'],
      [REPORT_GUID, { as: 'viewer' }, 'viewer'],
      [REPORT_GUID, { as: 'admin' }, 'none'],
      [PUBLIC_GUID, { as: 'colleague' }, 'viewer'],
      [PUBLIC_GUID, { as: 'admin' }, 'viewer'],
    ];
    for (const [guid, options, role] of cases) {
      const answer = await test.request(`/__api__/v1/content/${guid}`, options);
      assert.equal(answer.status, 200, `${options?.as} on ${guid}`);
      assert.equal(answer.body.app_role, role, `${options?.as} on ${guid}`);
    }
  });

  it('hidden content answers 403 code 19', async () => {
    const answer = await test.request(`/__api__/v1/content/${PRIVATE_GUID}`, { as: 'publisher' });
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body, {
      code: 19, error: "You don't have permission to access this item.", payload: null,
    });
    const variants = await test.request(`/__api__/applications/${PRIVATE_GUID}/variants`, {
      as: 'viewer',
    });
    assert.equal(variants.status, 403);
    assert.equal(variants.body.code, 19);
  });

  it('unknown content answers 404 code 4', async () => {
    const recorded = await loadFixture('error-404-code4-object-does-not-exist.json');
    for (const path of [`/__api__/v1/content/${UNKNOWN_GUID}`, '/__api__/v1/content/not-a-guid',
      `/__api__/applications/${UNKNOWN_GUID}/variants`, '/__api__/variants/424242',
      '/__api__/variants/abc/renderings']) {
      const answer = await test.request(path, { as: 'admin' });
      assert.equal(answer.status, 404, path);
      assert.deepEqual(answer.body, recorded, path);
    }
  });

  it('include adds tags and owner', async () => {
    const answer = await test.request(`/__api__/v1/content/${SHINY_GUID}?include=tags,owner`, {
      as: 'viewer',
    });
    assert.deepEqual(answer.body.tags, []);
    assert.equal(answer.body.owner.username, 'publisher');
    assert.equal(answer.body.owner.guid, answer.body.owner_guid);
    const invalid = await test.request(`/__api__/v1/content/${SHINY_GUID}?include=secrets`, {
      as: 'viewer',
    });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.code, 161);
  });

  it('keys never appear in answers', async () => {
    const url = `${test.url}/__api__/v1/content/${REPORT_GUID}?include=owner`;
    const answer = await sendRequest(url, { as: 'publisher' });
    for (const key of Object.values(KEYS)) {
      assert.ok(!answer.text.includes(key));
    }
  });
});

describe('usernames named like Object properties', () => {
  it('get no inherited permission', async () => {
    const standIn = await startStandIn({
      config: parseStandInConfig({
        users: [
          { username: 'owner', api_key: 'owner-key', role: 'publisher' },
          { username: 'constructor', api_key: 'constructor-key', role: 'publisher' },
          { username: '__proto__', api_key: 'proto-key', role: 'publisher' },
        ],
        content: [{
          guid: REPORT_GUID, name: 'acl-report', app_mode: 'rmd-static', access_type: 'acl',
          source: 'source', command: ['true'],
          permissions: { owner: 'owner', ['__proto__']: 'editor' },
        }],
      }),
      configDir: fixturesDir,
      port: 0,
    });
    try {
      const url = `${standIn.url}/__api__/v1/content/${REPORT_GUID}`;
      const stranger = await sendRequest(url, {
        headers: { authorization: 'Key constructor-key' },
      });
      assert.equal(stranger.status, 403);
      const editor = await sendRequest(url, { headers: { authorization: 'Key proto-key' } });
      assert.equal(editor.status, 200);
      assert.equal(editor.body.app_role, 'editor');
    } finally {
      await standIn.close();
    }
  });
});
