/**
 * The version that package.json names also appears in files that are committed to git: the
 * element's version module and the R helper, whose HTML dependency carries it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));

async function readRepoFile(path: string): Promise<string> {
  return readFile(`${repoDir}${path}`, 'utf8');
}

describe('package version', () => {
  it('matches the R helper', async () => {
    const { version } = JSON.parse(await readRepoFile('package.json')) as { version: string };
    const helper = await readRepoFile('r/connect_refresh.R');
    const match = /^connect_refresh_version <- "(.*)"$/m.exec(helper);

    assert.ok(match, 'r/connect_refresh.R sets connect_refresh_version');
    assert.equal(match[1], version);
  });

  it('matches every generated file', async () => {
    const result = await new Promise<{ failed: boolean; stderr: string }>((resolve) => {
      execFile(process.execPath, ['scripts/write-version.mjs', '--check'], { cwd: repoDir },
        (error, _stdout, stderr) => resolve({ failed: error !== null, stderr }));
    });

    assert.equal(result.stderr, '');
    assert.equal(result.failed, false);
  });
});
