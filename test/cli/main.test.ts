import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listeningUrl, startCli, waitForOutput } from './cli-process.js';

const demoDir = fileURLToPath(new URL('../../demo/', import.meta.url));
const demoKey = 'demo-only-publisher-key-change-me';

describe('connect-refresh', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connect-refresh-cli-'));
  });

  it('prints usage with --help', async () => {
    const run = startCli(['--help']);
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /Commands:\n\s+render/);
    assert.match(run.output(), /^\s+status\s/m);
    assert.match(run.output(), /^\s+gateway\s/m);
  });

  it('lists the exit statuses in render --help', async () => {
    const run = startCli(['render', '--help']);
    assert.equal(await run.exited, 0);
    for (const status of ['0', '1', '2', '3', '4', '5', '6', '130']) {
      assert.match(run.output(), new RegExp(`^  ${status} +\\S`, 'm'), `exit status ${status}`);
    }
    assert.match(run.output(), /CONNECT_REFRESH_TOKEN/);
  });

  it('lists the exit statuses in status --help', async () => {
    const run = startCli(['status', '--help']);
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /Exit status:\n {2}0 /);
  });

  it('prints usage to stderr without arguments', async () => {
    const run = startCli([]);
    assert.equal(await run.exited, 2);
    assert.equal(run.stdout(), '', 'nothing on standard output');
    assert.match(run.output(), /Commands:\n\s+render/);
  });

  it('points to --help on a usage error', async () => {
    const run = startCli(['render', '--wait']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /^connect-refresh: Unknown option --wait\.$/m);
    assert.match(run.output(), /^Run 'connect-refresh render --help' for usage\.$/m);
    assert.doesNotMatch(run.output(), /Did you mean/, 'no option is close to --wait');
    assert.doesNotMatch(run.output(), /Options:/, 'no full help');
  });

  it('suggests a close option in every command', async () => {
    const cases = [
      { args: ['render', 'sales', '--gateway', 'http://127.0.0.1:1', '--timout', '5'], typo: '--timout', suggestion: '--timeout' },
      { args: ['status', 'sales', '--gatway', 'http://127.0.0.1:1'], typo: '--gatway', suggestion: '--gateway' },
      { args: ['gateway', '--config', 'gateway.json', '--prot', '0'], typo: '--prot', suggestion: '--port' },
      { args: ['stand-in', '--cofig', 'stand-in.json'], typo: '--cofig', suggestion: '--config' },
    ];
    for (const { args, typo, suggestion } of cases) {
      const run = startCli(args);
      assert.equal(await run.exited, 2, run.output());
      assert.match(run.output(), new RegExp(`^connect-refresh: Unknown option ${typo}\\. Did you mean ${suggestion}\\?$`, 'm'));
      assert.match(run.output(), new RegExp(`^Run 'connect-refresh ${args[0]} --help' for usage\\.$`, 'm'));
      assert.doesNotMatch(run.output(), /positional argument/, "no text of Node's parseArgs");
    }
  });

  it('rejects a negative timeout with its own message', async () => {
    const run = startCli(['render', '6a3b4c5d-0000-4000-8000-00000000beef', '--timeout', '-1'],
      { CONNECT_SERVER: 'http://127.0.0.1:1', CONNECT_API_KEY: 'k' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /--timeout must be a number of seconds above 0 and at most \d+, not "-1"/);
  });

  it('exits 2 on an unknown command', async () => {
    const run = startCli(['serve']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /Unknown command "serve"/);
  });

  it('suggests a command close to a typo', async () => {
    const run = startCli(['rendr']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /^connect-refresh: Unknown command "rendr"\. Did you mean render\?/);
  });

  it('exits 2 when the gateway has no config', async () => {
    const run = startCli(['gateway']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /Missing --config FILE/);
  });

  it('exits 2 on an invalid port', async () => {
    const run = startCli(['stand-in', '--config', join(demoDir, 'stand-in.json'), '--port', 'http']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /--port must be a port number/);
  });

  it('exits 2 on an unknown log level', async () => {
    const run = startCli(['stand-in', '--config', join(demoDir, 'stand-in.json'), '--log-level', 'loud']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /--log-level must be one of/);
  });

  it('exits 2 when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const run = startCli(['stand-in', '--config', join(demoDir, 'stand-in.json'), '--port', String(port)]);
      assert.equal(await run.exited, 2);
      assert.match(run.output(), new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
      assert.doesNotMatch(run.output(), /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(run.output(), /--help/, 'no pointer to the help, which cannot free the port');
    } finally {
      taken.close();
    }
  });

  it('exits 2 when the gateway port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const run = startCli(['gateway', '--config', join(demoDir, 'gateway.json'), '--port', String(port),
        '--log-level', 'silent'], { CONNECT_SERVER: 'http://127.0.0.1:1', CONNECT_API_KEY: 'k' });
      assert.equal(await run.exited, 2);
      assert.match(run.output(), new RegExp(`^connect-refresh: Port ${port} on 127\\.0\\.0\\.1 is already in use`, 'm'));
      assert.doesNotMatch(run.output(), /--help/);
    } finally {
      taken.close();
    }
  });

  it('exits 2 without CONNECT_SERVER', async () => {
    const run = startCli(['gateway', '--config', join(demoDir, 'gateway.json')], { CONNECT_API_KEY: 'k' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /CONNECT_SERVER/);
  });

  it('exits 2 on an invalid gateway config', async () => {
    const file = join(dir, 'bad-gateway.json');
    await writeFile(file, JSON.stringify({ reports: { orders: { guid: 'not a guid' } } }));
    const run = startCli(['gateway', '--config', file], { CONNECT_SERVER: 'http://127.0.0.1:1', CONNECT_API_KEY: 'k' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /guid/);
  });

  it('exits 2 on a public address without an auth choice', async () => {
    const run = startCli(['gateway', '--config', join(demoDir, 'gateway.json'), '--host', '0.0.0.0', '--port', '0'],
      { CONNECT_SERVER: 'http://127.0.0.1:1', CONNECT_API_KEY: 'k' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /auth\.anonymous/);
  });

  it('exits 2 on a short handle secret', async () => {
    const run = startCli(['gateway', '--config', join(demoDir, 'gateway.json'), '--port', '0'], {
      CONNECT_SERVER: 'http://127.0.0.1:1', CONNECT_API_KEY: 'k', CONNECT_REFRESH_HANDLE_SECRET: 'too-short',
    });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /CONNECT_REFRESH_HANDLE_SECRET: has 9 bytes, but needs at least 32/);
    assert.doesNotMatch(run.output(), /too-short/);
  });

  it('exits 2 on an empty handle secret', async () => {
    const run = startCli(['gateway', '--config', join(demoDir, 'gateway.json'), '--port', '0'], {
      CONNECT_SERVER: 'http://127.0.0.1:1', CONNECT_API_KEY: 'k', CONNECT_REFRESH_HANDLE_SECRET: '',
    });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /CONNECT_REFRESH_HANDLE_SECRET: has 0 bytes/);
  });

  it('exits 2 when the config file is missing', async () => {
    const run = startCli(['stand-in', '--config', join(dir, 'missing.json')]);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /missing\.json/);
  });

  describe('stand-in and gateway processes', () => {
    const runs: ReturnType<typeof startCli>[] = [];

    after(async () => {
      for (const run of runs) {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
      }
    });

    it('serve a report status and stop on SIGTERM', async () => {
      const standIn = startCli(['stand-in', '--config', join(demoDir, 'stand-in.json'), '--port', '0',
        '--log-level', 'warn']);
      runs.push(standIn);
      const standInUrl = await listeningUrl(standIn);

      const gateway = startCli(['gateway', '--config', join(demoDir, 'gateway.json'), '--port', '0'], {
        CONNECT_SERVER: standInUrl,
        CONNECT_API_KEY: demoKey,
      });
      runs.push(gateway);
      const gatewayUrl = await listeningUrl(gateway);
      await waitForOutput(gateway, /Connect accepts the API key and lets it read the first report/);

      const response = await fetch(`${gatewayUrl}/v1/reports/orders`);
      assert.equal(response.status, 200);
      const status = (await response.json()) as { name: string; title: string };
      assert.equal(status.name, 'orders');
      assert.equal(status.title, 'Orders by region');

      gateway.child.kill('SIGTERM');
      standIn.child.kill('SIGTERM');
      assert.equal(await gateway.exited, 0);
      assert.equal(await standIn.exited, 0);
      assert.match(gateway.output(), /Gateway listening at http:\/\/127\.0\.0\.1:\d+, rendering orders on /);
      assert.match(gateway.output(), /Gateway stopped \(SIGTERM\)/);
      assert.match(standIn.output(), /Connect stand-in stopped \(SIGTERM\)/);
      assert.ok(!gateway.output().includes(demoKey), 'the gateway log holds no API key');
    });
  });
});

describe('built command line', () => {
  it('runs from dist with --help', async () => {
    const built = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
    const run = spawn(process.execPath, [built, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    run.stdout.on('data', (chunk) => (output += chunk));
    const [code] = await once(run, 'exit');
    assert.equal(code, 0, 'npm run build (or npm ci) builds dist/ first');
    assert.match(output, /connect-refresh <command>/);
  });
});
