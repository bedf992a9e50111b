import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listeningUrl, startCli, waitForOutput, type CliRun } from './cli-process.js';

const standInConfig = fileURLToPath(new URL('../../demo/stand-in.json', import.meta.url));
const demoKey = 'demo-only-publisher-key-change-me';
const contentPath = '/__api__/v1/content/6a3b4c5d-0000-4000-8000-00000000beef';

async function statusOf(url: string): Promise<number> {
  const response = await fetch(`${url}${contentPath}`, {
    headers: { authorization: `Key ${demoKey}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Starts `connect-refresh stand-in` on a free port with extra arguments. */
function startStandInCli(...args: string[]): CliRun {
  return startCli(['stand-in', '--config', standInConfig, '--port', '0', '--log-level', 'warn',
    ...args]);
}

describe('stand-in fault options', () => {
  let dir: string;
  let run: CliRun | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stand-in-faults-cli-'));
  });
  afterEach(async () => {
    if (run !== undefined && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    run = undefined;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('--fault applies at start', async () => {
    run = startStandInCli('--fault', `kind=error,status=503,path=${contentPath},times=1`);
    const url = await listeningUrl(run);
    await waitForOutput(run, /Faults in force: 1 request faults/);
    assert.equal(await statusOf(url), 503);
    assert.equal(await statusOf(url), 200);
  });

  it('invalid --fault exits 2', async () => {
    run = startStandInCli('--fault', 'kind=error,status=404');
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /requests\[0\]\.status: expected one of 500, 502, 503/);
  });

  it('malformed --fault exits 2', async () => {
    run = startStandInCli('--fault', 'error');
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /Invalid --fault "error" \(fault 1\)/);
  });

  it('--faults-file excludes other fault options', async () => {
    run = startStandInCli('--faults-file', join(dir, 'any.json'), '--sticky-cookie');
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /cannot be combined with --fault/);
  });

  it('missing faults file exits 2', async () => {
    run = startStandInCli('--faults-file', join(dir, 'missing.json'));
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /faults: cannot read the file \(ENOENT\)/);
  });

  it('faults file is read again on change', async () => {
    const file = join(dir, 'change.json');
    await writeFile(file, JSON.stringify({ requests: [{ kind: 'error', status: 500 }] }));
    run = startStandInCli('--faults-file', file);
    const url = await listeningUrl(run);
    assert.equal(await statusOf(url), 500);

    await writeFile(file, '{"requests": [');
    await waitForOutput(run, /not valid JSON[\s\S]*The faults in force stay/);
    assert.equal(await statusOf(url), 500);

    await writeFile(file, '{}');
    await waitForOutput(run, /Faults file read: 0 request faults/);
    assert.equal(await statusOf(url), 200);
  });

  it('SIGHUP reads the faults file again', async () => {
    const file = join(dir, 'hangup.json');
    await writeFile(file, JSON.stringify({ requests: [{ kind: 'error', status: 502, times: 1 }] }));
    run = startStandInCli('--faults-file', file);
    const url = await listeningUrl(run);
    assert.equal(await statusOf(url), 502);
    assert.equal(await statusOf(url), 200);
    run.child.kill('SIGHUP');
    await waitForOutput(run, /Faults file read: 1 request faults/);
    assert.equal(await statusOf(url), 502);
  });

  it('SIGUSR2 restarts the stand-in', async () => {
    run = startStandInCli();
    const url = await listeningUrl(run);
    run.child.kill('SIGUSR2');
    await waitForOutput(run, /Connect stand-in restarted \(SIGUSR2\)/);
    assert.equal(await statusOf(url), 200);
  });
});
