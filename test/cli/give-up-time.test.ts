import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import sinon from 'sinon';
import { ConnectUnreachableError, type ConnectClient } from '../../src/connect/index.js';
import { ConnectSource } from '../../src/cli/connect-source.js';
import { CommandError } from '../../src/cli/exit-codes.js';
import { GatewayRequestError, type GatewayRequester } from '../../src/cli/gateway-requests.js';
import { GatewaySource } from '../../src/cli/gateway-source.js';
import type { RenderSource, RenderStart } from '../../src/cli/render-source.js';
import { GIVE_UP_AFTER_MS } from '../../src/cli/retry-clock.js';
import { Redactor } from '../../src/gateway/redaction.js';
import { SALES_GUID } from '../gateway/harness.js';

const START: RenderStart = {
  report: 'sales', guid: SALES_GUID, task: 'task-1', job: null, joined: false, startedAt: new Date(),
};

/**
 * Returns a request function whose first call rejects with `firstError` and whose later calls
 * hang until their signal aborts, as requests to a server that stopped responding do.
 */
function failThenHang(firstError: Error) {
  let calls = 0;
  return (signal: AbortSignal): Promise<never> => {
    calls += 1;
    if (calls === 1) {
      return Promise.reject(firstError);
    }
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
}

/** Resolves with the time at which waitForEnd rejected, and its error. */
async function timeOfGiveUp(source: RenderSource, clock: sinon.SinonFakeTimers) {
  let endedAt: number | null = null;
  let failure: unknown = null;
  const waiting = source.waitForEnd(START, () => undefined, new AbortController().signal).catch((error) => {
    endedAt = Date.now();
    failure = error;
  });
  await clock.tickAsync(GIVE_UP_AFTER_MS + 5_000);
  await waiting;
  return { endedAt, failure };
}

describe('give-up time', () => {
  let clock: sinon.SinonFakeTimers;
  const redactor = new Redactor({ secrets: [], patterns: [] });

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-04T15:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(() => {
    clock.restore();
  });

  it('bounds hanging Connect polls', async () => {
    const unreachable = new ConnectUnreachableError('Cannot reach Connect.', { method: 'GET', path: '/', timedOut: false });
    const getTask = failThenHang(unreachable);
    const client = { getTask: (_id: string, options: { signal: AbortSignal }) => getTask(options.signal) };
    const source = new ConnectSource({
      client: client as unknown as ConnectClient, guid: SALES_GUID, jobPollMs: 2_000, redactor,
    });
    const startMs = Date.now();

    const { endedAt, failure } = await timeOfGiveUp(source, clock);
    assert.ok(failure instanceof CommandError, String(failure));
    assert.equal(failure.exitCode, 3);
    assert.match(failure.message, /Connect kept failing for 60 s: Cannot reach Connect\./);
    assert.equal(endedAt, startMs + GIVE_UP_AFTER_MS);
  });

  it('bounds hanging gateway polls', async () => {
    const unreachable = new GatewayRequestError('Cannot reach the gateway.', 3, null, true, null);
    const request = failThenHang(unreachable);
    const requester = { request: (_method: string, _path: string, signal: AbortSignal) => request(signal) };
    const source = new GatewaySource(requester as unknown as GatewayRequester, 'sales', redactor);
    const startMs = Date.now();

    const { endedAt, failure } = await timeOfGiveUp(source, clock);
    assert.ok(failure instanceof CommandError, String(failure));
    assert.equal(failure.exitCode, 3);
    assert.match(failure.message, /the gateway kept failing for 60 s: Cannot reach the gateway\./);
    assert.equal(endedAt, startMs + GIVE_UP_AFTER_MS);
  });
});
