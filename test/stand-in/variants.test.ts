import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  parseStandInConfig,
  StandInConfigError,
  startStandIn,
  type StandIn,
} from '../../src/stand-in/index.js';
import {
  connectFixturesDir,
  fixturesDir,
  KEYS,
  release,
  scriptedCommand,
  sendRequest,
  waitForFile,
  type Answer,
} from './helpers.js';

const GUID = '6a3b4c5d-0000-4000-8000-0000000000c1';

/**
 * Builds a config of one report with the variants `emea` (the default) and `apac`, each with a
 * region parameter.
 */
function variantConfig(workDir: string) {
  return {
    users: [{ username: 'publisher', api_key: KEYS.publisher, role: 'publisher' }],
    content: [{
      guid: GUID, name: 'orders-by-region', title: 'Orders', app_mode: 'quarto-static',
      access_type: 'acl', source: 'source',
      command: scriptedCommand([
        'env:STAND_IN_VARIANT_KEY',
        'env:STAND_IN_VARIANT_PARAMS',
        `ready:${join(workDir, 'started-{variant}')}`,
        `wait-for:${join(workDir, 'go-{variant}')}`,
        'write:index.html=<p>{variant}</p>',
      ]),
      variants: [
        { key: 'emea', name: 'Europe', default: true, params: { region: 'EMEA' } },
        { key: 'apac', params: { region: 'APAC' } },
      ],
      permissions: { publisher: 'owner' },
    }],
  };
}

/** Returns whether a task's output has a line that ends with `text`, after the timestamp. */
function hasLine(task: Answer, text: string): boolean {
  return (task.body.output as string[]).some((line) => line.endsWith(` ${text}`));
}

/** Returns the problems that parseStandInConfig lists for one rendered item with `variants`. */
function variantProblems(variants: unknown, appMode = 'quarto-static'): string[] {
  const rendered = appMode === 'shiny' ? {} : { source: 'source', command: ['true'] };
  try {
    parseStandInConfig({
      users: [{ username: 'publisher', api_key: KEYS.publisher, role: 'publisher' }],
      content: [{
        guid: GUID, name: 'orders-by-region', app_mode: appMode, ...rendered, variants,
        permissions: { publisher: 'owner' },
      }],
    });
  } catch (error) {
    assert.ok(error instanceof StandInConfigError, String(error));
    return [...error.problems];
  }
  return [];
}

describe('variants config', () => {
  it('accepts two variants', () => {
    assert.deepEqual(variantProblems([{ key: 'emea' }, { key: 'apac', default: true }]), []);
  });

  it('rejects a duplicate key', () => {
    assert.deepEqual(variantProblems([{ key: 'emea' }, { key: 'emea' }]), [
      'content[0].variants[1].key: duplicate of content[0].variants[0].key; variant keys must be unique',
    ]);
  });

  it('rejects two defaults', () => {
    const problems = variantProblems([{ key: 'a', default: true }, { key: 'b', default: true }]);
    assert.deepEqual(problems, [
      'content[0].variants: expected at most one variant with "default": true, found 2',
    ]);
  });

  it('rejects bad keys, names and params', () => {
    const problems = variantProblems([
      { key: 'a/b', name: '', params: { '1st': 'x', region: 3 }, extra: true },
    ]);
    assert.deepEqual(problems.sort(), [
      'content[0].variants[0].extra: unknown field; expected one of key, name, default, params',
      'content[0].variants[0].key: expected 1 to 64 letters, digits, "_" or "-"',
      'content[0].variants[0].name: expected a non-empty string',
      'content[0].variants[0].params.1st: invalid parameter name; use a letter, then up to 63 '
        + 'letters, digits, "_" or "."',
      'content[0].variants[0].params.region: expected a string without NUL characters',
    ]);
  });

  it('rejects an empty list', () => {
    assert.deepEqual(variantProblems([]), [
      'content[0].variants: expected a non-empty array of variants, or no variants field',
    ]);
  });

  it('rejects variants of an app', () => {
    assert.deepEqual(variantProblems([{ key: 'a' }], 'shiny'), [
      'content[0].variants: shiny content is not rendered, so it takes no variants; remove it',
    ]);
  });
});

describe('variant renders', () => {
  let standIn: StandIn;
  let workDir: string;
  const request = (path: string, options: { method?: string; body?: string } = {}) =>
    sendRequest(`${standIn.url}${path}`, { as: 'publisher', ...options });
  const listVariants = async () => {
    const answer = await request(`/__api__/applications/${GUID}/variants`);
    assert.equal(answer.status, 200, answer.text);
    return answer.body as Array<Record<string, unknown>>;
  };
  const variantNamed = async (key: string) => {
    const found = (await listVariants()).find((variant) => variant.key === key);
    assert.ok(found, `no variant ${key}`);
    return found;
  };
  const startV1 = async (variantKey: string) => {
    const answer = await request(`/__api__/v1/content/${GUID}/render`, {
      method: 'POST', body: JSON.stringify({ variant_key: variantKey }),
    });
    assert.equal(answer.status, 202, answer.text);
    return answer.body.task_id as string;
  };
  const awaitTaskEnd = async (taskId: string): Promise<Answer> => {
    for (;;) {
      const answer = await request(`/__api__/v1/tasks/${taskId}?wait=20`);
      assert.equal(answer.status, 200, answer.text);
      if (answer.body.finished) {
        return answer;
      }
    }
  };

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'stand-in-variants-'));
    standIn = await startStandIn({
      config: parseStandInConfig(variantConfig(workDir)),
      configDir: fixturesDir,
      stateDir: join(workDir, 'state'),
      host: '127.0.0.1',
      port: 0,
    });
  });

  after(async () => {
    await standIn.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('lists every variant', async () => {
    const variants = await listVariants();
    const recorded = JSON.parse(await readFile(
      join(connectFixturesDir, 'legacy-applications-variants-default-and-second.json'), 'utf8'));
    assert.deepEqual(variants.map((variant) => Object.keys(variant).sort()),
      recorded.map((variant: object) => Object.keys(variant).sort()));
    assert.deepEqual(variants.map((variant) => variant.key), ['emea', 'apac']);
    assert.deepEqual(variants.map((variant) => variant.name), ['Europe', 'apac']);
    assert.deepEqual(variants.map((variant) => variant.is_default), [true, false]);
    assert.notEqual(variants[0]!.id, variants[1]!.id);
    const single = await request(`/__api__/variants/${variants[1]!.id}`);
    assert.deepEqual(single.body, variants[1]);
  });

  it('rejects an unknown variant key', async () => {
    const answer = await request(`/__api__/v1/content/${GUID}/render`, {
      method: 'POST', body: '{"variant_key": "latam"}',
    });
    assert.equal(answer.status, 404);
    assert.equal(answer.body.code, 4);
  });

  it('renders two variants at once', async () => {
    const apacTask = await startV1('apac');
    const emeaTask = await startV1('emea');
    await waitForFile(join(workDir, 'started-apac'));
    await waitForFile(join(workDir, 'started-emea'));

    const jobs = await request(`/__api__/v1/content/${GUID}/jobs`);
    const active = jobs.body.filter((job: { status: number }) => job.status === 0);
    assert.deepEqual(active.map((job: { variant_key: string }) => job.variant_key).sort(),
      ['apac', 'emea'], 'both render jobs run at the same time');
    const apac = await variantNamed('apac');
    const apacJob = active.find((job: { variant_key: string }) => job.variant_key === 'apac');
    assert.equal(apacJob.variant_id, String(apac.id));

    await release(join(workDir, 'go-apac'));
    const apacEnd = await awaitTaskEnd(apacTask);
    assert.equal(apacEnd.body.code, 0, apacEnd.text);
    assert.ok(hasLine(apacEnd, 'STAND_IN_VARIANT_KEY=apac'), apacEnd.text);
    assert.ok(hasLine(apacEnd, 'STAND_IN_VARIANT_PARAMS={"region":"APAC"}'),
      apacEnd.text);
    assert.equal((await variantNamed('emea')).render_time, null, 'emea still renders');

    await release(join(workDir, 'go-emea'));
    assert.equal((await awaitTaskEnd(emeaTask)).body.code, 0);
  });

  it('keeps renderings per variant', async () => {
    const apac = await variantNamed('apac');
    const emea = await variantNamed('emea');
    const apacRenderings = await request(`/__api__/variants/${apac.id}/renderings`);
    const emeaRenderings = await request(`/__api__/variants/${emea.id}/renderings`);
    assert.equal(apacRenderings.body.length, 1);
    assert.equal(emeaRenderings.body.length, 1);
    assert.equal(apacRenderings.body[0].variant_id, apac.id);
    assert.equal(apacRenderings.body[0].id, apac.rendering_id);
    assert.notEqual(apacRenderings.body[0].job_key, emeaRenderings.body[0].job_key);
    assert.notEqual(apac.render_time, null);
  });

  it('serves each variant at its own path', async () => {
    const fallback = await sendRequest(`${standIn.url}/content/${GUID}/`, { as: 'publisher' });
    assert.equal(fallback.text, '<p>emea</p>', 'the content URL serves the default variant');
    const apac = await sendRequest(`${standIn.url}/content/${GUID}/vapac/`, { as: 'publisher' });
    assert.equal(apac.text, '<p>apac</p>');
    const bare = await sendRequest(`${standIn.url}/content/${GUID}/vapac`, { as: 'publisher' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), `/content/${GUID}/vapac/`);
  });

  it('legacy render of the second variant', async () => {
    const apac = await variantNamed('apac');
    const answer = await request(`/__api__/variants/${apac.id}/render`, {
      method: 'POST', body: '{}',
    });
    assert.equal(answer.status, 200, answer.text);
    await release(join(workDir, 'go-apac'));
    const end = await awaitTaskEnd(answer.body.id);
    assert.ok(hasLine(end, 'STAND_IN_VARIANT_KEY=apac'), end.text);
    const renderings = await request(`/__api__/variants/${apac.id}/renderings`);
    assert.equal(renderings.body.length, 2);
  });
});
