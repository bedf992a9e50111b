import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  awaitTask,
  KEYS,
  PUBLIC_GUID,
  REPORT_GUID,
  startReportRender,
  startTestStandIn,
  type TestStandIn,
} from './helpers.js';

const SECRET = 'outside-the-output-folder';

/** Sends a GET with the path exactly as given; fetch would normalize `..` away. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/`, {
      path,
      headers: { authorization: `Key ${KEYS.viewer}` },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({
        status: response.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
      }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('served output', () => {
  let test: TestStandIn;
  before(async () => {
    test = await startTestStandIn((workDir) => [
      'write:index.html=<h1>Sales</h1>',
      'write:data.csv=region,orders\nNorth,12\n',
      `symlink:${join(workDir, 'secret.txt')}=escape.txt`,
    ]);
    await writeFile(join(test.workDir, 'secret.txt'), SECRET);
  });
  after(() => test.close());

  it('answers 404 before the first render', async () => {
    const answer = await test.request(`/content/${REPORT_GUID}/`, { as: 'viewer' });
    assert.equal(answer.status, 404);
    assert.match(answer.text, /no rendered output yet/);
  });

  it('serves index.html and other files after a render', async () => {
    await awaitTask(test, await startReportRender(test));
    const index = await test.request(`/content/${REPORT_GUID}/`, { as: 'viewer' });
    assert.equal(index.status, 200);
    assert.equal(index.text, '<h1>Sales</h1>');
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    const csv = await test.request(`/content/${REPORT_GUID}/data.csv`, { as: 'viewer' });
    assert.equal(csv.text, 'region,orders\nNorth,12\n');
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const copied = await test.request(`/content/${REPORT_GUID}/notes.txt`, { as: 'viewer' });
    assert.match(copied.text, /Copied from the content's source folder/);
  });

  it('redirects the folder without a slash', async () => {
    const answer = await test.request(`/content/${REPORT_GUID}`, { as: 'viewer' });
    assert.equal(answer.status, 301);
    assert.equal(answer.headers.get('location'), `/content/${REPORT_GUID}/`);
  });

  it('checks keys unless access is all', async () => {
    const anonymous = await test.request(`/content/${REPORT_GUID}/`);
    assert.equal(anonymous.status, 401);
    const stranger = await test.request(`/content/${REPORT_GUID}/`, { as: 'colleague' });
    assert.equal(stranger.status, 403);
    const admin = await test.request(`/content/${REPORT_GUID}/`, { as: 'admin' });
    assert.equal(admin.status, 403);
    await awaitTask(test, await startReportRender(test, PUBLIC_GUID));
    const open = await test.request(`/content/${PUBLIC_GUID}/`);
    assert.equal(open.status, 200);
    assert.equal(open.text, 'public');
  });

  it('answers 404 for missing files', async () => {
    const answer = await test.request(`/content/${REPORT_GUID}/missing.html`, { as: 'viewer' });
    assert.equal(answer.status, 404);
  });

  it('prevents path traversal', async () => {
    const attempts = [
      `/content/${REPORT_GUID}/../../../../etc/passwd`,
      `/content/${REPORT_GUID}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `/content/${REPORT_GUID}/..%2f..%2f..%2fsecret.txt`,
      `/content/${REPORT_GUID}/..%5c..%5csecret.txt`,
      `/content/${REPORT_GUID}/%2fetc%2fpasswd`,
      `/content/${REPORT_GUID}/index.html%00.txt`,
      `/content/${REPORT_GUID}/escape.txt`,
      `/content/${REPORT_GUID}/%E0%A4%A`,
    ];
    for (const path of attempts) {
      const answer = await rawGet(test.url, path);
      assert.notEqual(answer.status, 200, path);
      assert.ok(!answer.body.includes(SECRET), path);
      assert.ok(!answer.body.includes('root:'), path);
    }
  });
});
