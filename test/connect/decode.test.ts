import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { collectCookies } from '../../src/connect/cookies.js';
import {
  ConnectResponseError,
  decodeApiError,
  decodeContent,
  decodeJobs,
  decodeLegacyRenderTask,
  decodeRenderings,
  decodeRenderTask,
  decodeTask,
  decodeVariants,
  isRenderedAppMode,
  stripTimestamp,
} from '../../src/connect/index.js';

/** Asserts that `action` raises a ConnectResponseError for `field`. */
function assertInvalidField(action: () => unknown, field: string | null): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ConnectResponseError, `expected ConnectResponseError: ${error}`);
    assert.equal(error.field, field);
    if (field !== null) {
      assert.match(error.message, new RegExp(`"${field.replace(/[[\].]/g, '\\$&')}"`));
    }
    return true;
  });
}

const VARIANT = { id: 7, key: 'k1', is_default: true, render_time: null };
const JOB = { id: '1', key: 'jobKey', tag: 'build_report', status: 2, end_time: null };
const TASK = { id: 'T1', output: [], finished: false, code: 0, error: '', last: 0 };

describe('decoders', () => {
  it('content tolerates missing optional fields', () => {
    const content = decodeContent({ guid: 'g', name: 'n', app_mode: 'rmd-static', extra: 1 });
    assert.equal(content.title, null);
    assert.equal(content.app_role, null);
    assert.equal(content.last_deployed_time, null);
    assert.equal(content.content_url, null);
  });

  it('content without app_mode', () => {
    assertInvalidField(() => decodeContent({ guid: 'g', name: 'n' }), 'app_mode');
  });

  it('content that is not an object', () => {
    assertInvalidField(() => decodeContent([]), null);
  });

  it('variant without render_duration', () => {
    const [variant] = decodeVariants([VARIANT]);
    assert.equal(variant!.render_duration, null);
    assert.equal(variant!.id, '7');
    assert.equal(variant!.rendering_id, null);
  });

  it('variant with a string id', () => {
    const [variant] = decodeVariants([{ ...VARIANT, id: '7' }]);
    assert.equal(variant!.id, '7');
  });

  it('variant with a fractional id', () => {
    assertInvalidField(() => decodeVariants([VARIANT, { ...VARIANT, id: 1.5 }]), '[1].id');
  });

  it('variant with an invalid render_time', () => {
    assertInvalidField(
      () => decodeVariants([{ ...VARIANT, render_time: 'yesterday' }]),
      '[0].render_time',
    );
  });

  it('variants that are not an array', () => {
    assertInvalidField(() => decodeVariants({ variants: [] }), null);
  });

  it('variant entry that is not an object', () => {
    assertInvalidField(() => decodeVariants([VARIANT, 'x']), '[1]');
  });

  it('jobs accept statuses 0 to 3', () => {
    const jobs = decodeJobs([0, 1, 2, 3].map((status) => ({ ...JOB, status })));
    assert.deepEqual(jobs.map((job) => job.status), [0, 1, 2, 3]);
  });

  it('jobs reject status 4', () => {
    assertInvalidField(() => decodeJobs([JOB, { ...JOB, status: 4 }]), '[1].status');
  });

  it('jobs reject status -1', () => {
    assertInvalidField(() => decodeJobs([{ ...JOB, status: -1 }]), '[0].status');
  });

  it('job with integer ids', () => {
    const [job] = decodeJobs([{ ...JOB, id: 12, variant_id: 3, bundle_id: 4 }]);
    assert.equal(job!.id, '12');
    assert.equal(job!.variant_id, '3');
    assert.equal(job!.bundle_id, '4');
  });

  it('job without variant_key', () => {
    const [job] = decodeJobs([JOB]);
    assert.equal(job!.variant_key, null);
  });

  it('job with variant_key', () => {
    const [job] = decodeJobs([{ ...JOB, variant_key: 'WrEKKa77' }]);
    assert.equal(job!.variant_key, 'WrEKKa77');
  });

  it('job with a numeric variant_key', () => {
    assertInvalidField(() => decodeJobs([{ ...JOB, variant_key: 7 }]), '[0].variant_key');
  });

  it('renderings with integer ids', () => {
    const [rendering] = decodeRenderings([{
      id: 55123, app_id: 9001, variant_id: 412, bundle_id: 7710, job_key: 'Hn2kQ8sPz0aVbC1d',
      render_time: '2025-03-04T06:00:12.5Z', render_duration: 41250000000, active: true,
    }]);
    assert.equal(rendering!.id, '55123');
    assert.equal(rendering!.variant_id, '412');
    assert.equal(rendering!.job_key, 'Hn2kQ8sPz0aVbC1d');
    assert.equal(rendering!.render_time, '2025-03-04T06:00:12.5Z');
    assert.equal(rendering!.render_duration, 41250000000);
    assert.equal(rendering!.active, true);
  });

  it('rendering without active or duration', () => {
    const [rendering] = decodeRenderings([{ id: 1, variant_id: 2, render_time: null }]);
    assert.equal(rendering!.active, false);
    assert.equal(rendering!.render_duration, null);
    assert.equal(rendering!.job_key, null);
  });

  it('rendering without variant_id', () => {
    assertInvalidField(() => decodeRenderings([{ id: 1 }]), '[0].variant_id');
  });

  it('renderings that are not an array', () => {
    assertInvalidField(() => decodeRenderings({ id: 1 }), null);
  });

  it('task strips timestamp prefixes', () => {
    const task = decodeTask({
      ...TASK,
      output: ['2024/04/24 13:08:04.901698921 [rsc-session] Content GUID: abc', 'plain line'],
      last: 2,
    });
    assert.deepEqual(task.output, ['[rsc-session] Content GUID: abc', 'plain line']);
  });

  it('task with a non-string output line', () => {
    assertInvalidField(() => decodeTask({ ...TASK, output: ['a', 2] }), 'output[1]');
  });

  it('task without last', () => {
    const { last: _last, ...withoutLast } = TASK;
    assertInvalidField(() => decodeTask(withoutLast), 'last');
  });

  it('task with a string finished', () => {
    assertInvalidField(() => decodeTask({ ...TASK, finished: 'true' }), 'finished');
  });

  it('render task needs task_id', () => {
    assert.deepEqual(decodeRenderTask({ task_id: 'abc' }), { task_id: 'abc' });
    assertInvalidField(() => decodeRenderTask({ id: 'abc' }), 'task_id');
  });

  it('legacy render task needs id', () => {
    assertInvalidField(() => decodeLegacyRenderTask({ task_id: 'abc' }), 'id');
  });

  it('legacy render task with a bad status', () => {
    assertInvalidField(() => decodeLegacyRenderTask({ id: 'a', status: 'x' }), 'status');
  });

  it('api error envelope and non-envelopes', () => {
    assert.deepEqual(decodeApiError({ code: 141, error: 'gone' }), {
      code: 141,
      error: 'gone',
      payload: null,
    });
    assert.equal(decodeApiError('404 page not found'), null);
    assert.equal(decodeApiError({ error: 'no code' }), null);
    assert.equal(decodeApiError({ code: '4', error: 'string code' }), null);
    assert.equal(decodeApiError(null), null);
  });

  it('messages name the subject without values', () => {
    assert.throws(() => decodeContent({ guid: 'g', name: 'n', app_mode: 5 }), {
      message: 'Invalid Connect content: field "app_mode" must be a string, but it is a number.',
    });
  });
});

describe('stripTimestamp', () => {
  const cases: Array<[string, string]> = [
    ['2024/04/24 13:08:04.901698921 Rendering', 'Rendering'],
    ['2024/04/24 13:08:04.901 three digits', 'three digits'],
    ['2024/04/24 13:08:04.90 two digits stay', '2024/04/24 13:08:04.90 two digits stay'],
    ['2024/04/24 13:08:04 no fraction stays', '2024/04/24 13:08:04 no fraction stays'],
    ['no prefix', 'no prefix'],
    ['', ''],
    ['x 2024/04/24 13:08:04.901 inside', 'x 2024/04/24 13:08:04.901 inside'],
    ['2024/04/24 13:08:04.901  two spaces', ' two spaces'],
  ];
  for (const [line, expected] of cases) {
    it(`strips ${JSON.stringify(line)}`, () => {
      assert.equal(stripTimestamp(line), expected);
    });
  }
});

describe('isRenderedAppMode', () => {
  it('accepts the three rendered modes', () => {
    for (const mode of ['rmd-static', 'quarto-static', 'jupyter-static']) {
      assert.equal(isRenderedAppMode(mode), true, mode);
    }
  });

  it('rejects apps and plain static content', () => {
    for (const mode of ['shiny', 'python-dash', 'quarto-shiny', 'static', 'api', '']) {
      assert.equal(isRenderedAppMode(mode), false, mode);
    }
  });
});

describe('collectCookies', () => {
  it('keeps name=value of each cookie', () => {
    const headers = new Headers();
    headers.append('Set-Cookie', 'RSC-NODE=node-b; Path=/; HttpOnly');
    headers.append('Set-Cookie', 'lb=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT');
    assert.equal(collectCookies(headers), 'RSC-NODE=node-b; lb=1');
  });

  it('last value of a repeated name wins', () => {
    const headers = new Headers();
    headers.append('Set-Cookie', 'a=1');
    headers.append('Set-Cookie', 'a=2; Secure');
    assert.equal(collectCookies(headers), 'a=2');
  });

  it('skips cookies without a name', () => {
    const headers = new Headers();
    headers.append('Set-Cookie', '=orphan');
    headers.append('Set-Cookie', 'noequals');
    assert.equal(collectCookies(headers), null);
  });

  it('returns null without Set-Cookie', () => {
    assert.equal(collectCookies(new Headers({ 'Content-Type': 'application/json' })), null);
  });
});
