import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConnectApiError,
  ConnectUnreachableError,
  type ConnectClient,
  type GetTaskOptions,
  type Task,
} from '../../src/connect/index.js';
import {
  DEFAULT_FOLLOW_TIMING,
  followRender,
  summarizeReason,
  taskFailureReason,
  type FollowTiming,
} from '../../src/gateway/follow-render.js';
import { testRecord } from './record-fixtures.js';

type PollResult = Task | Error;

/** A Connect client whose task polls return the scripted results in order. */
function scriptedClient(results: PollResult[]) {
  const polls: GetTaskOptions[] = [];
  const client = {
    async getTask(_taskId: string, options: GetTaskOptions): Promise<Task> {
      polls.push(options);
      const result = results.shift();
      assert.ok(result !== undefined, 'the follower polled after the last scripted result');
      if (result instanceof Error) {
        throw result;
      }
      return result;
    },
  };
  return { client: client as unknown as ConnectClient, polls };
}

function task(fields: Partial<Task>): Task {
  return { id: 't1', output: [], finished: false, code: 0, error: '', last: 0, ...fields };
}

function apiError(status: number, code: number | null): ConnectApiError {
  return new ConnectApiError(`Connect returned HTTP ${status}`, {
    status,
    code,
    connectMessage: null,
    payload: null,
    method: 'GET',
    path: '/__api__/v1/tasks/t1',
  });
}

function unreachable(): ConnectUnreachableError {
  return new ConnectUnreachableError('connect ECONNREFUSED', {
    method: 'GET',
    path: '/__api__/v1/tasks/t1',
    timedOut: false,
  });
}

const FAST: FollowTiming = {
  ...DEFAULT_FOLLOW_TIMING,
  notFoundRetryMs: 1,
  firstBackoffMs: 1,
  maxBackoffMs: 4,
};

const silentLogger = {
  warn() {},
  info() {},
  debug() {},
} as never;

/** Collects the fields of each warning. */
function warningLogger(warnings: Array<Record<string, unknown>>) {
  return {
    warn(fields: Record<string, unknown>) {
      warnings.push(fields);
    },
  } as never;
}

async function follow(
  results: PollResult[],
  timing: Partial<FollowTiming> = {},
  logger = silentLogger,
) {
  const { client, polls } = scriptedClient(results);
  const record = testRecord();
  const started = { taskId: 't1', route: 'v1' as const, cookie: 'node=abc' };
  const signal = new AbortController().signal;
  const outcome = await followRender(record, started, {
    client,
    logger,
    signal,
    timing: { ...FAST, ...timing },
  });
  return { outcome, polls, record };
}

describe('followRender', () => {
  it('passes first, wait and the cookie', async () => {
    const { outcome, polls, record } = await follow([
      task({ output: ['a', 'b'], last: 2 }),
      task({ output: ['c'], last: 3, finished: true }),
    ]);
    assert.deepEqual(outcome, { kind: 'succeeded' });
    assert.deepEqual(
      polls.map(({ first, wait, cookie }) => ({ first, wait, cookie })),
      [
        { first: 0, wait: 1, cookie: 'node=abc' },
        { first: 2, wait: 1, cookie: 'node=abc' },
      ],
    );
    assert.deepEqual(record.progress('handle', 0, null).output, ['a', 'b', 'c']);
    assert.equal(record.visibleLineCount, 3);
  });

  it('fails on a non-zero code', async () => {
    const { outcome } = await follow([
      task({ finished: true, code: 1, error: 'Unable to render: exit status 1' }),
    ]);
    assert.deepEqual(outcome, { kind: 'failed', reason: 'Unable to render: exit status 1' });
  });

  it('retries network and server errors', async () => {
    const warnings: Array<Record<string, unknown>> = [];
    const results = [
      unreachable(),
      apiError(502, null),
      apiError(503, null),
      apiError(500, 1),
      task({ finished: true }),
    ];
    const { outcome, polls } = await follow(results, {}, warningLogger(warnings));
    assert.deepEqual(outcome, { kind: 'succeeded', seenLate: true }, 'seen late after failed polls');
    assert.equal(polls.length, 5);
    assert.deepEqual(
      warnings.map((fields) => fields.retryInMs),
      [1, 2, 4, 4],
      'the pause doubles up to maxBackoffMs',
    );
    assert.deepEqual(
      warnings.map((fields) => fields.connectStatus),
      [null, 502, 503, 500],
    );
  });

  it('gives up once Connect stays unreachable', async () => {
    const { outcome } = await follow([unreachable()], { unreachableLimitMs: 0 });
    assert.equal(outcome.kind, 'unknown');
    assert.match(
      (outcome as { reason: string }).reason,
      /Connect stayed unreachable while the render ran/,
    );
  });

  it('fails at once on a 403', async () => {
    const { outcome, polls } = await follow([apiError(403, 22)]);
    assert.deepEqual(outcome, {
      kind: 'failed',
      reason: 'Connect rejected the poll of the render task (HTTP 403, code 22).',
    });
    assert.equal(polls.length, 1);
  });

  it('treats 404 code 4 like 141', async () => {
    const results = [apiError(404, 4), apiError(404, 141), task({ finished: true })];
    const { outcome } = await follow(results);
    assert.deepEqual(outcome, { kind: 'succeeded', seenLate: true });
  });

  it('is not late without failed polls', async () => {
    const { outcome } = await follow([task({ output: ['a'], last: 1 }), task({ finished: true, code: 2 })]);
    assert.equal(outcome.kind, 'failed');
    assert.equal((outcome as { seenLate?: boolean }).seenLate, undefined);
  });

  it('ends unknown when a seen task is lost', async () => {
    const { outcome } = await follow([task({ output: ['a'], last: 1 }), apiError(404, 141)], {
      taskGraceMs: 0,
    });
    assert.deepEqual(outcome, {
      kind: 'unknown',
      reason: 'Connect no longer knows the render task, so its outcome is unknown.',
    });
  });

  it('stops when the gateway closes', async () => {
    const closing = new AbortController();
    const record = testRecord();
    const client = {
      getTask: (_id: string, options: GetTaskOptions) =>
        new Promise<Task>((_resolve, reject) => {
          options.signal!.addEventListener('abort', () => reject(unreachable()));
          closing.abort();
        }),
    } as unknown as ConnectClient;
    const outcome = await followRender(record, { taskId: 't1', route: 'v1', cookie: null }, {
      client,
      logger: silentLogger,
      signal: closing.signal,
      timing: FAST,
    });
    assert.deepEqual(outcome, { kind: 'aborted' });
    assert.equal(record.state, 'running');
  });
});

describe('summarizeReason', () => {
  it('keeps the first non-empty line', () => {
    const reason = summarizeReason('\n  Unable   to render:\nstack trace');
    assert.equal(reason, 'Unable to render:');
  });

  it('caps the length at 200', () => {
    const reason = summarizeReason('x'.repeat(500));
    assert.equal(reason.length, 200);
    assert.ok(reason.endsWith('…'));
  });

  it('describes an empty reason', () => {
    assert.equal(summarizeReason(' \n '), 'The render failed without a reason.');
  });
});

describe('taskFailureReason', () => {
  it('keeps the whole error text', () => {
    const error = 'Unable to render:\npassword=hunter2';
    assert.equal(taskFailureReason({ code: 1, error }), error);
  });

  it('names the code without an error text', () => {
    const reason = taskFailureReason({ code: 3, error: '' });
    assert.equal(reason, 'Connect reported the render as failed with code 3.');
  });
});
