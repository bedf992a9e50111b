import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectUnreachableError } from '../../src/connect/index.js';
import { toCommandError } from '../../src/cli/connect-errors.js';
import { CommandError } from '../../src/cli/exit-codes.js';
import { SALES_GUID } from '../gateway/harness.js';
import { startCli } from './cli-process.js';
import { startSilentServer, type FakeServer } from './fake-servers.js';
import { CLI_SUITE_TIMEOUT_MS, printedJson } from './render-fixtures.js';

describe('render command against a silent server', { timeout: CLI_SUITE_TIMEOUT_MS }, () => {
  let server: FakeServer;

  before(async () => {
    server = await startSilentServer();
  });

  after(async () => {
    await server.close();
  });

  it('times out the start request directly', async () => {
    const run = startCli(['render', SALES_GUID, '--timeout', '1', '--json'],
      { CONNECT_SERVER: server.url, CONNECT_API_KEY: 'silent-server-key-0d4e' });
    assert.equal(await run.exited, 5, run.output());
    assert.match(run.output(), /Timed out after 1 s before the render request got a response/);
    assert.equal(printedJson(run).state, null);
  });

  it('times out the start request through --gateway', async () => {
    const run = startCli(['render', 'sales', '--gateway', server.url, '--timeout', '1', '--json']);
    assert.equal(await run.exited, 5, run.output());
    assert.match(run.output(), /Timed out after 1 s before the render request got a response/);
    assert.equal(printedJson(run).state, null);
  });
});

describe('connect error messages', () => {
  it('name no client option on timeout', () => {
    const timedOut = new ConnectUnreachableError('GET /__api__/v1/content/x timed out after 30000 ms. ' +
      'Check that Connect is running, or raise requestTimeoutMs.',
    { method: 'GET', path: '/__api__/v1/content/x', timedOut: true });
    const error = toCommandError(timedOut, SALES_GUID);
    assert.ok(error instanceof CommandError);
    assert.equal(error.exitCode, 3);
    assert.doesNotMatch(error.message, /requestTimeoutMs/);
    assert.match(error.message, /did not respond to GET \/__api__\/v1\/content\/x in time/);
  });
});
