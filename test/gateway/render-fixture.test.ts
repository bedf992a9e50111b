import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const renderScript = fileURLToPath(new URL('./fixtures/report/render.mjs', import.meta.url));

interface RenderRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the test render and resolves with its exit code and standard output and error. */
async function runRender(args: string[]): Promise<RenderRun> {
  const child = spawn(process.execPath, [renderScript, ...args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('test render script', { timeout: 20_000 }, () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'render-fixture-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 124 at its time limit', async () => {
    const run = await runRender([join(dir, 'never-written.json'), '200']);
    assert.equal(run.code, 124);
    assert.match(run.stderr, /render timed out: control file .* not written within 200 ms/);
  });

  it('exits with the control file code', async () => {
    const control = join(dir, 'control.json');
    await writeFile(control, JSON.stringify({ lines: ['one'], exitCode: 3 }));
    // The default limit of 60 s is longer than this test's timeout, so the run must not wait
    // for it.
    const run = await runRender([control]);
    assert.equal(run.code, 3);
    assert.match(run.stdout, /^render started, waiting for the test\none\n$/);
  });

  it('rejects an invalid time limit', async () => {
    const run = await runRender([join(dir, 'unused.json'), 'soon']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Usage: node render\.mjs CONTROL_FILE \[TIME_LIMIT_MS\]/);
  });
});
