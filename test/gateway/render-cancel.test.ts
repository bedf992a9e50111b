import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConnectApiError,
  ConnectUnreachableError,
  type Job,
  type Task,
} from '../../src/connect/index.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { GatewayHttpError } from '../../src/gateway/errors.js';
import { DEFAULT_FOLLOW_TIMING, type FollowTiming } from '../../src/gateway/follow-render.js';
import { HandleSigner } from '../../src/gateway/handles.js';
import { CANCELLED_REASON } from '../../src/gateway/render-record.js';
import { FINISHED, job, setUpRegistry, until } from './registry-fakes.js';

const GUID = '6a3b4c5d-0000-4000-8000-00000000beef';
/** The registry leaves access lists to the route, so any config with sales works. */
const CONFIG = parseGatewayConfig({
  reports: { sales: { guid: GUID, log: 'full' } },
});
const REPORT = CONFIG.reports.sales!;
const OWNER = { variant: null, who: 'user alice', requester: 'alice' };
const KILL_ORDER = { job_key: 'job1', result: 'Order to kill job registered' };
const KILLED: Task = {
  ...FINISHED,
  code: 1,
  error: 'Unable to render: Rendering exited abnormally: signal: killed',
};

function apiError(status: number, code: number | null): ConnectApiError {
  return new ConnectApiError(`Connect returned HTTP ${status}`, {
    status,
    code,
    connectMessage: null,
    payload: null,
    method: 'DELETE',
    path: `/__api__/v1/content/${GUID}/jobs/job1`,
  });
}

/**
 * Starts a render of sales over a fake Connect whose job list the test changes through
 * `jobs`. The render's job is listed as active from the start.
 */
async function startRender(timing: Partial<FollowTiming> = {}, listed: Job[] | null = null) {
  const jobs: Job[] = [];
  const setup = setUpRegistry(CONFIG, { jobs, autoStart: true }, { ...DEFAULT_FOLLOW_TIMING, ...timing });
  const bob = { variant: null, who: 'user bob', requester: 'bob' };
  const { record } = await setup.registry.refresh('sales', REPORT, bob);
  jobs.push(...(listed ?? [job({ key: 'job1', start_time: new Date().toISOString() })]));
  await until(setup.polls, 1);
  const done = async () => {
    setup.closing.abort();
    await setup.registry.close();
  };
  return { ...setup, jobs, record, done };
}

function auditLines(lines: Array<Record<string, unknown>>, message: string) {
  return lines.filter((line) => line.msg === message && line.audit === true);
}

describe('RenderRegistry.cancel', () => {
  it('ends a running render as cancelled', async () => {
    const { registry, kills, polls, record, lines, done } = await startRender();
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    assert.equal(kills[0]!.guid, GUID);
    assert.equal(kills[0]!.jobKey, 'job1');
    kills[0]!.resolve(KILL_ORDER);
    polls[0]!.resolve(KILLED);

    const result = await cancel;
    assert.equal(result.state, 'cancelled');
    assert.equal(result.handle, record.handle);
    assert.equal(result.error, CANCELLED_REASON);
    assert.notEqual(result.finished_at, null);
    assert.equal(record.state, 'cancelled');
    assert.deepEqual(
      auditLines(lines, 'cancel').map((line) => [line.who, line.outcome, line.handle_id]),
      [['user alice', 'ordered', record.renderId]],
    );
    const [finished] = auditLines(lines, 'render finished');
    assert.equal(finished?.state, 'cancelled');
    assert.equal(finished?.cancelled_by, 'user alice');
    assert.equal(finished?.started_by, 'user bob');
    await done();
  });

  it('releases single flight after the cancel', async () => {
    const { registry, kills, polls, record, renders, jobs, done } = await startRender();
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    kills[0]!.resolve(KILL_ORDER);
    jobs.splice(0, jobs.length, job({ key: 'job1', status: 2, exit_code: -1 }));
    polls[0]!.resolve(KILLED);
    await cancel;

    const next = await registry.refresh('sales', REPORT, OWNER);
    assert.equal(next.joined, false);
    assert.equal(renders.length, 2, 'a new render started');
    assert.notEqual(next.record, record);
    await done();
  });

  it('success during the kill stays succeeded', async () => {
    const { registry, kills, polls, record, jobs, done } = await startRender();
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    polls[0]!.resolve(FINISHED);
    jobs.splice(0, jobs.length, job({ key: 'job1', status: 2, exit_code: 0 }));
    kills[0]!.resolve(KILL_ORDER);

    const result = await cancel;
    assert.equal(result.state, 'succeeded');
    assert.equal(result.error, null);
    await done();
  });

  it('task success with a killed job is cancelled', async () => {
    const { registry, kills, polls, record, jobs, done } = await startRender();
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    kills[0]!.resolve(KILL_ORDER);
    jobs.splice(0, jobs.length, job({ key: 'job1', status: 2, exit_code: -1 }));
    polls[0]!.resolve(FINISHED);

    assert.equal((await cancel).state, 'cancelled');
    await done();
  });

  it('failure before the kill stays failed', async () => {
    const { registry, kills, polls, record, lines, done } = await startRender();
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    polls[0]!.resolve({ ...FINISHED, code: 1, error: 'object not found' });
    kills[0]!.reject(apiError(409, 163));

    const result = await cancel;
    assert.equal(result.state, 'failed');
    assert.equal(result.error, 'object not found');
    assert.deepEqual(auditLines(lines, 'cancel').map((line) => line.outcome), ['ended']);
    await done();
  });

  it('job gone with 404 counts as ended', async () => {
    const { registry, kills, polls, record, lines, done } = await startRender();
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    kills[0]!.reject(apiError(404, 4));
    polls[0]!.resolve(FINISHED);

    assert.equal((await cancel).state, 'succeeded');
    assert.deepEqual(auditLines(lines, 'cancel').map((line) => line.outcome), ['ended']);
    await done();
  });

  it('ended render needs no Connect call', async () => {
    const { registry, kills, polls, record, lines, done } = await startRender();
    polls[0]!.resolve(FINISHED);
    await new Promise<void>((resolve) => {
      const wait = () => (record.isRunning ? setImmediate(wait) : resolve());
      wait();
    });

    const result = await registry.cancel(record.handle, OWNER);
    assert.equal(result.state, 'succeeded');
    assert.equal(kills.length, 0, 'a kill order reached Connect');
    assert.deepEqual(auditLines(lines, 'cancel').map((line) => line.outcome), ['ended']);
    await done();
  });

  it('second request joins the order', async () => {
    const { registry, kills, polls, record, lines, done } = await startRender();
    const first = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    const second = registry.cancel(record.handle, { who: 'user carol' });
    kills[0]!.resolve(KILL_ORDER);
    polls[0]!.resolve(KILLED);

    assert.equal((await first).state, 'cancelled');
    assert.equal((await second).state, 'cancelled');
    assert.equal(kills.length, 1, 'one kill order');
    // The joined request learns of the order as soon as Connect registered it, so its line
    // may come first.
    assert.deepEqual(
      auditLines(lines, 'cancel').map((line) => `${line.who} ${line.outcome}`).sort(),
      ['user alice ordered', 'user carol joined'],
    );
    await done();
  });

  it('failed order leaves the render running', async () => {
    const { registry, kills, polls, record, lines, done } = await startRender();
    const first = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    kills[0]!.reject(new ConnectUnreachableError('refused', { method: 'DELETE', path: '/x', timedOut: false }));
    await assert.rejects(first, (error: unknown) => {
      assert.ok(error instanceof GatewayHttpError);
      assert.equal(error.statusCode, 503);
      assert.equal(error.code, 'connect_unavailable');
      return true;
    });
    assert.equal(record.state, 'running');
    const [refused] = auditLines(lines, 'cancel');
    assert.equal(refused?.outcome, 'refused');
    assert.equal(refused?.code, 'connect_unavailable');

    // The task poll that was open before the failed order ends like any render.
    polls[0]!.resolve({ ...FINISHED, code: 1, error: 'object not found' });
    await new Promise<void>((resolve) => {
      const wait = () => (record.isRunning ? setImmediate(wait) : resolve());
      wait();
    });
    assert.equal(record.state, 'failed', 'a failed order turned a failure into a cancel');
    await done();
  });

  it('retries an order after a failure', async () => {
    const { registry, kills, polls, record, done } = await startRender();
    const first = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    kills[0]!.reject(apiError(503, null));
    await assert.rejects(first, { code: 'connect_unavailable' });

    const second = registry.cancel(record.handle, OWNER);
    await until(kills, 2);
    kills[1]!.resolve(KILL_ORDER);
    polls[0]!.resolve(KILLED);
    assert.equal((await second).state, 'cancelled');
    await done();
  });

  it('missing job gives 502 without a kill', async () => {
    const timing = { cancelWaitMs: 40, jobLookupPauseMs: 10 };
    const { registry, kills, record, done } = await startRender(timing, []);
    await assert.rejects(registry.cancel(record.handle, OWNER), (error: unknown) => {
      assert.ok(error instanceof GatewayHttpError);
      assert.equal(error.statusCode, 502);
      assert.equal(error.code, 'connect_error');
      assert.match(error.message, /lists no active render job for the running render of report sales/);
      return true;
    });
    assert.equal(kills.length, 0);
    assert.equal(record.state, 'running');
    await done();
  });

  it('kills the job of its own variant only', async () => {
    const now = new Date().toISOString();
    const { registry, kills, polls, record, done } = await startRender({}, [
      job({ key: 'job1', start_time: now }),
      // A newer render of another variant of the same content, started meanwhile.
      job({
        key: 'other',
        variant_id: '2',
        variant_key: 'other02',
        start_time: new Date(Date.now() + 1000).toISOString(),
      }),
    ]);
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    assert.equal(kills[0]!.jobKey, 'job1');
    kills[0]!.resolve(KILL_ORDER);
    polls[0]!.resolve(KILLED);
    assert.equal((await cancel).state, 'cancelled');
    await done();
  });

  it('job older than the render is not killed', async () => {
    const timing = { cancelWaitMs: 40, jobLookupPauseMs: 10 };
    const older = job({ key: 'old', start_time: new Date(Date.now() - 3_600_000).toISOString() });
    const { registry, kills, record, done } = await startRender(timing, [older]);
    await assert.rejects(registry.cancel(record.handle, OWNER), { code: 'connect_error' });
    assert.equal(kills.length, 0);
    await done();
  });

  it('responds running when the end is late', async () => {
    const { registry, kills, record, done } = await startRender({ cancelWaitMs: 30 });
    const cancel = registry.cancel(record.handle, OWNER);
    await until(kills, 1);
    kills[0]!.resolve(KILL_ORDER);

    const result = await cancel;
    assert.equal(result.state, 'running');
    assert.equal(result.finished_at, null);
    await done();
  });

  it('unknown handle gives 404', async () => {
    const { registry, kills, lines, done } = await startRender();
    const foreign = new HandleSigner().issue({
      report: 'sales',
      variant: null,
      renderId: 'AAAAAAAAAAAAAAAAAAAAAA',
      startedAt: new Date(),
    });
    await assert.rejects(registry.cancel(foreign, OWNER), { statusCode: 404, code: 'unknown_render' });
    assert.equal(kills.length, 0);
    const [refused] = auditLines(lines, 'cancel');
    assert.equal(refused?.outcome, 'refused');
    assert.equal(refused?.code, 'unknown_render');
    await done();
  });

  it('adopted job is killed by its key', async () => {
    const active = job({ key: 'adopted', start_time: new Date().toISOString() });
    const setup = setUpRegistry(CONFIG, { jobs: [active] });
    const { record } = await setup.registry.refresh('sales', REPORT, OWNER);
    assert.equal(record.jobKey, 'adopted');
    const cancel = setup.registry.cancel(record.handle, OWNER);
    await until(setup.kills, 1);
    assert.equal(setup.kills[0]!.jobKey, 'adopted');
    setup.kills[0]!.resolve({ ...KILL_ORDER, job_key: 'adopted' });
    setup.closing.abort();
    assert.equal((await cancel).state, 'running', 'the gateway closed before the job list showed the end');
    await setup.registry.close();
  });
});
