/**
 * Hand-written decoders for the Connect API responses this package reads. Each checks the
 * fields the package uses, names the first wrong field in a ConnectResponseError, ignores
 * extra fields and turns integer ids into strings.
 */
import { expectArray, FieldReader } from './decode-fields.js';
import { stripTimestamp } from './timestamps.js';
import type { Content, Job, JobKillOrder, JobStatus, Rendering, Task, Variant } from './types.js';

/** Decodes `GET /v1/content/{guid}`. */
export function decodeContent(json: unknown): Content {
  const content = new FieldReader('content', json);
  return {
    guid: content.string('guid'),
    name: content.string('name'),
    title: content.optionalString('title'),
    app_mode: content.string('app_mode'),
    app_role: content.optionalString('app_role'),
    last_deployed_time: content.optionalTimestamp('last_deployed_time'),
    content_url: content.optionalString('content_url'),
  };
}

function decodeVariant(json: unknown, prefix: string): Variant {
  const variant = new FieldReader('variant list', json, prefix);
  return {
    id: variant.id('id'),
    key: variant.string('key'),
    is_default: variant.boolean('is_default'),
    name: variant.optionalString('name'),
    rendering_id: variant.optionalId('rendering_id'),
    render_time: variant.optionalTimestamp('render_time'),
    render_duration: variant.optionalInteger('render_duration'),
  };
}

/** Decodes `GET /applications/{guid}/variants` (legacy route, integer ids). */
export function decodeVariants(json: unknown): Variant[] {
  const entries = expectArray(json, 'variant list');
  return entries.map((entry, index) => decodeVariant(entry, `[${index}].`));
}

function decodeRendering(json: unknown, prefix: string): Rendering {
  const rendering = new FieldReader('rendering list', json, prefix);
  return {
    id: rendering.id('id'),
    variant_id: rendering.id('variant_id'),
    job_key: rendering.optionalString('job_key'),
    render_time: rendering.optionalTimestamp('render_time'),
    render_duration: rendering.optionalInteger('render_duration'),
    active: rendering.has('active') ? rendering.boolean('active') : false,
  };
}

/** Decodes `GET /variants/{id}/renderings` (legacy route, integer ids). */
export function decodeRenderings(json: unknown): Rendering[] {
  const entries = expectArray(json, 'rendering list');
  return entries.map((entry, index) => decodeRendering(entry, `[${index}].`));
}

function decodeJobStatus(job: FieldReader): JobStatus {
  const status = job.integer('status');
  if (status < 0 || status > 3) {
    return job.fail('status', 'a job status from 0 to 3');
  }
  return status as JobStatus;
}

function decodeJob(json: unknown, prefix: string): Job {
  const job = new FieldReader('job list', json, prefix);
  return {
    id: job.id('id'),
    key: job.string('key'),
    tag: job.string('tag'),
    status: decodeJobStatus(job),
    start_time: job.optionalTimestamp('start_time'),
    end_time: job.optionalTimestamp('end_time'),
    exit_code: job.optionalInteger('exit_code'),
    variant_id: job.optionalId('variant_id'),
    variant_key: job.optionalString('variant_key'),
    bundle_id: job.optionalId('bundle_id'),
  };
}

/** Decodes `GET /v1/content/{guid}/jobs`. */
export function decodeJobs(json: unknown): Job[] {
  const entries = expectArray(json, 'job list');
  return entries.map((entry, index) => decodeJob(entry, `[${index}].`));
}

/**
 * Decodes `GET /v1/tasks/{id}` and strips Connect's timestamp prefix from each output line.
 */
export function decodeTask(json: unknown): Task {
  const task = new FieldReader('task', json);
  const last = task.integer('last');
  if (last < 0) {
    task.fail('last', 'a non-negative integer');
  }
  return {
    id: task.id('id'),
    output: task.strings('output').map(stripTimestamp),
    finished: task.boolean('finished'),
    code: task.integer('code'),
    error: task.string('error'),
    last,
  };
}

/**
 * Decodes the response of the legacy `POST /variants/{id}/render`: a task in the old shape,
 * with `status` and `last_status` where v1 has `output` and `last`. Only the task id is
 * used, because the client polls the v1 task route afterwards.
 */
export function decodeLegacyRenderTask(json: unknown): { id: string } {
  const task = new FieldReader('legacy render task', json);
  if (task.has('status')) {
    task.strings('status');
  }
  if (task.has('last_status')) {
    task.integer('last_status');
  }
  return { id: task.id('id') };
}

/** Decodes the 202 response of `POST /v1/content/{guid}/render`. */
export function decodeRenderTask(json: unknown): { task_id: string } {
  const task = new FieldReader('render task', json);
  return { task_id: task.id('task_id') };
}

/** Decodes the response of `DELETE /v1/content/{guid}/jobs/{key}`. */
export function decodeJobKillOrder(json: unknown): JobKillOrder {
  const order = new FieldReader('job kill order', json);
  return { job_key: order.string('job_key'), result: order.string('result') };
}

/**
 * Decodes Connect's error envelope `{code, error, payload}`, or returns null when `json` is
 * not one (then the response came from a proxy, or from a server without that route).
 */
export function decodeApiError(
  json: unknown,
): { code: number; error: string; payload: unknown } | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return null;
  }
  const { code, error, payload } = json as Record<string, unknown>;
  if (!Number.isSafeInteger(code) || typeof error !== 'string') {
    return null;
  }
  return { code: code as number, error, payload: payload ?? null };
}
