import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  loadStandInConfig,
  parseStandInConfig,
  StandInConfigError,
} from '../../src/stand-in/index.js';

const GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
const SECRET_KEY = 'very-secret-key-that-must-not-leak';

type Fields = Record<string, unknown>;

/** A config as JSON, loose enough for tests to break it in any way. */
interface RawConfig {
  users: Fields[];
  content: Array<Fields & { permissions: Fields }>;
  [field: string]: unknown;
}

function validConfig(): RawConfig {
  return {
    users: [
      { username: 'publisher', api_key: 'publisher-key', role: 'publisher' },
      { username: 'reader', api_key: 'reader-key', role: 'viewer' },
    ],
    content: [
      {
        guid: GUID, name: 'sales-summary', title: 'Sales summary', app_mode: 'rmd-static',
        access_type: 'all', source: 'report', rmd: 'report.Rmd',
        permissions: { publisher: 'owner', reader: 'viewer' },
      },
    ],
  };
}

/** Returns the problems parseStandInConfig reports for the config. */
function problemsOf(config: unknown): readonly string[] {
  try {
    parseStandInConfig(config);
  } catch (error) {
    assert.ok(error instanceof StandInConfigError, String(error));
    return error.problems;
  }
  assert.fail('the config was accepted');
}

describe('parseStandInConfig', () => {
  it('accepts a valid config and fills defaults', () => {
    const config = validConfig();
    delete config.content[0].title;
    delete config.content[0].access_type;
    const parsed = parseStandInConfig(config);
    assert.equal(parsed.content[0]!.title, null);
    assert.equal(parsed.content[0]!.description, '');
    assert.equal(parsed.content[0]!.access_type, 'acl');
    assert.equal(parsed.content[0]!.rmd, 'report.Rmd');
    assert.equal(parsed.users[1]!.role, 'viewer');
  });

  it('names the path of each problem', () => {
    const cases: Array<[(config: RawConfig) => void, string]> = [
      [(c) => { c.content[0].guid = 'not-a-guid'; }, 'content[0].guid: expected a lowercase UUID'],
      [(c) => { c.content[0].rmd = 'report.md'; },
        'content[0].rmd: expected a file name ending in .Rmd'],
      [(c) => { c.content[0].rmd = '../report.Rmd'; },
        'content[0].rmd: expected a file name ending in .Rmd'],
      [(c) => { c.content[0].rmd = '--help.Rmd'; },
        'content[0].rmd: expected a file name ending in .Rmd'],
      [(c) => { c.content[0].app_mode = 'rmarkdown'; }, 'content[0].app_mode: expected one of'],
      [(c) => { c.content[0].command = ['node', 'x.mjs']; },
        'content[0]: set either rmd or command, not both'],
      [(c) => { delete c.content[0].rmd; }, 'content[0]: expected rmd or command'],
      [(c) => { c.content[0].command = []; delete c.content[0].rmd; }, 'content[0].command:'],
      [(c) => { delete c.content[0].source; }, 'content[0].source: expected the folder'],
      [(c) => { c.content[0].app_mode = 'shiny'; },
        'content[0].source: shiny content is not rendered'],
      [(c) => { c.content[0].app_mode = 'quarto-static'; },
        'content[0].rmd: quarto-static content cannot render an .Rmd file'],
      [(c) => { c.content[0].permissions.ghost = 'viewer'; },
        'content[0].permissions.ghost: unknown username'],
      [(c) => { c.content[0].permissions.reader = 'owner'; },
        'content[0].permissions.reader: a user with the viewer role cannot be owner'],
      [(c) => { c.content[0].permissions = { reader: 'viewer' }; },
        'content[0].permissions: expected exactly one user with the owner role, found 0'],
      [(c) => { c.content[0].permissions.publisher = 'admin'; },
        'content[0].permissions.publisher: expected one of owner, editor, viewer'],
      [(c) => { c.content[0].access_type = 'public'; }, 'content[0].access_type: expected one of'],
      [(c) => { c.content[0].name = 'x'; }, 'content[0].name: expected 3 to 64'],
      [(c) => { c.content[0].colour = 'red'; }, 'content[0].colour: unknown field'],
      [(c) => { c.users[0].password = 'x'; }, 'users[0].password: unknown field'],
      [(c) => { c.extra = true; }, 'extra: unknown field'],
      [(c) => { c.users[1].role = 'owner'; }, 'users[1].role: expected one of viewer, publisher'],
      [(c) => { c.users[1].username = 'publisher'; },
        'users[1].username: duplicate of users[0].username'],
      [(c) => { c.users = []; }, 'users: expected a non-empty array'],
      [(c) => { c.content.push({ ...c.content[0]! }); },
        'content[1].guid: duplicate of content[0].guid'],
    ];
    for (const [change, expected] of cases) {
      const config = validConfig();
      change(config);
      const problems = problemsOf(config);
      assert.ok(problems.some((problem) => problem.startsWith(expected)),
        `expected "${expected}" in ${JSON.stringify(problems)}`);
    }
  });

  it('reports every problem at once', () => {
    const config = validConfig();
    config.content[0].guid = 'bad';
    config.users[0].role = 'root';
    config.content[0].extra = 1;
    assert.equal(problemsOf(config).length, 3);
  });

  it('never shows a duplicated key', () => {
    const config = validConfig();
    config.users[0].api_key = SECRET_KEY;
    config.users[1].api_key = SECRET_KEY;
    const problems = problemsOf(config);
    assert.deepEqual(problems,
      ['users[1].api_key: same key as users[0]; give every user a key of their own']);
    try {
      parseStandInConfig(config);
    } catch (error) {
      assert.ok(!(error as Error).message.includes(SECRET_KEY));
    }
  });

  it('rejects a non-object', () => {
    assert.deepEqual(problemsOf([]), ['config: expected a JSON object with users and content']);
  });
});

describe('loadStandInConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stand-in-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('resolves against the file folder', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({
      ...validConfig(),
      content: [{ ...validConfig().content[0]!, source: '.', rmd: 'report.Rmd' }],
    }));
    await writeFile(join(dir, 'report.Rmd'), '# report\n');
    const { config, configDir } = await loadStandInConfig(path);
    assert.equal(configDir, dir);
    assert.equal(config.content[0]!.source, '.');
  });

  it('accepts a byte-order mark', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, '\uFEFF' + JSON.stringify({
      ...validConfig(),
      content: [{ ...validConfig().content[0]!, source: '.', rmd: 'report.Rmd' }],
    }));
    await writeFile(join(dir, 'report.Rmd'), '# report\n');
    const { config } = await loadStandInConfig(path);
    assert.equal(config.content.length, 1);
  });

  it('reports missing source folders and files', async () => {
    const path = join(dir, 'missing.json');
    await writeFile(path, JSON.stringify(validConfig()));
    await assert.rejects(loadStandInConfig(path), (error: StandInConfigError) => {
      assert.match(error.message, new RegExp(`Invalid stand-in config ${path}`));
      assert.deepEqual(error.problems,
        [`content[0].source: folder ${join(dir, 'report')} does not exist`]);
      return true;
    });
  });

  it('reports invalid JSON without quoting it', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, `{"users": [{"api_key": ${SECRET_KEY}}]}`);
    await assert.rejects(loadStandInConfig(path), (error: StandInConfigError) => {
      assert.match(error.problems[0]!, /^config: not valid JSON/);
      assert.ok(!error.message.includes(SECRET_KEY));
      return true;
    });
  });

  it('reports an unreadable file', async () => {
    await assert.rejects(loadStandInConfig(join(dir, 'absent.json')),
      /config: cannot read the file \(ENOENT\)/);
  });
});
