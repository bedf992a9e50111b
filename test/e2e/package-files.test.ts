/**
 * The npm package's file list, as `npm pack` computes it: the host integrations that the
 * README points to in node_modules/connect-refresh/ must be part of it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));

/** Files that the README points users to in the installed package. */
const HOST_FILES = [
  'r/connect_refresh.R',
  'demo/dash/app.py',
  'demo/dash/refresh_token.py',
  'demo/dash/gateway.json',
  'demo/dash/assets/connect-refresh.js',
];

/** Returns the paths that `npm pack` would put in the tarball, without running any script. */
function packedPaths(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoDir },
      (error, stdout) => {
        if (error !== null) {
          reject(error);
          return;
        }
        const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
        resolve(pack!.files.map((file) => file.path));
      });
  });
}

describe('npm package files', () => {
  let paths: string[];

  before(async () => {
    paths = await packedPaths();
  });

  for (const file of HOST_FILES) {
    it(`includes ${file}`, () => {
      assert.ok(paths.includes(file), `${file} is missing from the package`);
    });
  }

  it('leaves out the copied Dash bundle', () => {
    assert.ok(!paths.includes('demo/dash/assets/connect-refresh-button.iife.js'));
  });

  it('leaves out the demo app and tests', () => {
    assert.deepEqual(paths.filter((path) => /^(test|demo\/shiny|demo\/report)\//.test(path)), []);
  });
});
