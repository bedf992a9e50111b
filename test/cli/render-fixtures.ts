/**
 * Helpers of the render and status command tests: the gateway test harness (a real stand-in
 * whose renders wait for the test, and a gateway in front of it), a gateway config with
 * bearer tokens, and checks on the command's output.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseGatewayConfig } from '../../src/gateway/index.js';
import {
  FORBIDDEN_GUID,
  QUIET_GUID,
  SALES_GUID,
  type Harness,
} from '../gateway/harness.js';
import type { CliRun } from './cli-process.js';

/**
 * Timeout of each suite, in ms. Every test starts the command line as a child process, which
 * takes about a second, so a suite takes tens of seconds on a busy machine.
 */
export const CLI_SUITE_TIMEOUT_MS = 180_000;

export const SCHEDULER_TOKEN = 'cli-test-scheduler-token-6f1d0c';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A gateway that admits only the scheduler token. It may render and read sales; quiet is
 * only for another token; the gateway's own key may not render forbidden.
 */
export const TOKEN_GATEWAY_CONFIG = parseGatewayConfig({
  rate_limit: { refresh_per_minute: 10_000, reads_per_minute: 100_000 },
  auth: {
    anonymous: false,
    bearer_tokens: [
      { name: 'scheduler', sha256: sha256(SCHEDULER_TOKEN) },
      { name: 'someone-else', sha256: sha256('another-token-of-someone-else') },
    ],
  },
  reports: {
    sales: { guid: SALES_GUID, log: 'full', cancel: { tokens: ['scheduler'] } },
    quiet: { guid: QUIET_GUID, log: 'full', refresh: { tokens: ['someone-else'] } },
    forbidden: { guid: FORBIDDEN_GUID, log: 'full' },
  },
});

/** Connect's timestamp prefix on task output lines. */
export const CONNECT_TIMESTAMP = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d+ /m;

/** Parses the one JSON object that `--json` printed on standard output. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function printedJson(run: CliRun): any {
  const lines = run.stdout().trim().split('\n');
  assert.equal(lines.length, 1, `one line on standard output, got:\n${run.stdout()}`);
  return JSON.parse(lines[0]!);
}

/** Asserts that the output never shows a secret. */
export function assertNoSecret(run: CliRun, secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!run.output().includes(secret), `the output shows a secret:\n${run.output()}`);
  }
}

/** Waits, through the stand-in, until the Connect task has finished. */
export async function awaitTaskEnd(harness: Harness, taskId: string): Promise<void> {
  for (;;) {
    const task = await harness.connect.getTask(taskId, { wait: 20 });
    if (task.finished) {
      return;
    }
  }
}

/** Waits, through the gateway with the scheduler token, until the render has ended. */
export async function awaitGatewayRenderEnd(harness: Harness, handle: string): Promise<void> {
  for (;;) {
    const response = await harness.request(`/v1/renders/${handle}?wait=30`, {
      headers: { authorization: `Bearer ${SCHEDULER_TOKEN}` },
    });
    assert.equal(response.status, 200, response.text);
    if (response.body.state !== 'running') {
      return;
    }
  }
}

/** Returns the keys of the report's render jobs that Connect lists as active. */
export async function activeJobKeys(harness: Harness, guid = SALES_GUID): Promise<string[]> {
  const jobs = await harness.connect.listJobs(guid);
  return jobs.filter((job) => job.status === 0).map((job) => job.key);
}

/** Returns a time string's value after checking that it is an RFC 3339 time in UTC. */
export function parseUtc(value: unknown): number {
  assert.equal(typeof value, 'string');
  assert.match(value as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  return Date.parse(value as string);
}
