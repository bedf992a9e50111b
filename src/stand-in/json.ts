/**
 * The JSON bodies the stand-in sends, with the fields, types and id forms of Connect's
 * recorded responses: v1 routes send ids as strings, legacy routes as integers.
 */
import type { AppRole } from './access.js';
import {
  activeRendering,
  type ContentRecord,
  type JobRecord,
  type RenderingRecord,
  type UserRecord,
  type VariantRecord,
} from './catalog.js';
import { formatRfc3339 } from './clock.js';
import { stableGuid } from './ids.js';
import type { TaskRecord } from './task-store.js';

/** Extra parts of the content object that `?include=` may ask for. */
export type ContentInclude = 'tags' | 'owner';

function time(ns: bigint | null, fractionDigits: 0 | 6 = 0): string | null {
  return ns === null ? null : formatRfc3339(ns, fractionDigits);
}

/** Settings that Connect reports as null when the server default applies. */
const DEFAULTED_SETTINGS = [
  'connection_timeout', 'read_timeout', 'init_timeout', 'idle_timeout', 'max_processes',
  'min_processes', 'max_conns_per_process', 'load_factor', 'memory_request', 'memory_limit',
  'cpu_request', 'cpu_limit', 'amd_gpu_limit', 'nvidia_gpu_limit', 'service_account_name',
  'default_image_name',
] as const;

const RUNTIME_SETTINGS = {
  image_name: null,
  r_version: null,
  py_version: null,
  quarto_version: null,
  r_environment_management: null,
  default_r_environment_management: null,
  py_environment_management: null,
  default_py_environment_management: null,
  run_as: null,
  run_as_current_user: false,
};

function ownerJson(owner: UserRecord) {
  return { guid: owner.guid, username: owner.username, first_name: '', last_name: '' };
}

/** Builds the body of `GET /v1/content/{guid}`. `baseUrl` has no trailing slash. */
export function contentJson(
  content: ContentRecord,
  appRole: AppRole,
  baseUrl: string,
  include: readonly ContentInclude[] = [],
) {
  const { settings } = content;
  const defaults = Object.fromEntries(DEFAULTED_SETTINGS.map((name) => [name, null]));
  return {
    guid: settings.guid,
    name: settings.name,
    title: settings.title,
    description: settings.description,
    access_type: settings.access_type,
    locked: false,
    locked_message: '',
    ...defaults,
    created_time: time(content.createdNs),
    last_deployed_time: time(content.createdNs),
    bundle_id: String(content.bundleId),
    app_mode: settings.app_mode,
    content_category: '',
    parameterized: false,
    cluster_name: 'Local',
    ...RUNTIME_SETTINGS,
    owner_guid: content.owner.guid,
    content_url: `${baseUrl}/content/${settings.guid}/`,
    dashboard_url: `${baseUrl}/connect/#/apps/${settings.guid}`,
    app_role: appRole,
    id: String(content.id),
    ...(include.includes('tags') ? { tags: [] } : {}),
    ...(include.includes('owner') ? { owner: ownerJson(content.owner) } : {}),
  };
}

/** Builds an entry of `GET /applications/{guid}/variants`, and the `GET /variants/{id}` body. */
export function variantJson(content: ContentRecord, variant: VariantRecord) {
  const active = activeRendering(variant);
  return {
    id: variant.id,
    app_id: content.id,
    key: variant.key,
    bundle_id: content.bundleId,
    is_default: variant.isDefault,
    name: variant.name,
    email_collaborators: false,
    email_viewers: false,
    email_all: false,
    created_time: time(variant.createdNs, 6),
    rendering_id: active?.id ?? null,
    render_time: active ? time(active.renderTimeNs, 6) : null,
    render_duration: active?.durationNs ?? null,
    visibility: 'public',
    owner_id: 0,
  };
}

/** Builds an entry of `GET /variants/{id}/renderings`. */
export function renderingJson(rendering: RenderingRecord) {
  return {
    id: rendering.id,
    app_id: rendering.contentId,
    variant_id: rendering.variantId,
    bundle_id: rendering.bundleId,
    job_key: rendering.jobKey,
    render_time: time(rendering.renderTimeNs, 6),
    render_duration: rendering.durationNs,
    active: rendering.active,
  };
}

/** Builds an entry of `GET /v1/content/{guid}/jobs`, in the shape of Connect 2025.01 and later. */
export function jobJson(job: JobRecord) {
  return {
    id: String(job.id),
    ppid: job.pid === null ? null : String(process.pid),
    pid: job.pid === null ? null : String(job.pid),
    key: job.key,
    remote_id: null,
    app_id: String(job.contentId),
    content_id: String(job.contentId),
    content_guid: job.contentGuid,
    variant_id: String(job.variantId),
    variant_key: job.variantKey,
    bundle_id: String(job.bundleId),
    start_time: time(job.startNs),
    end_time: time(job.endNs),
    last_heartbeat_time: time(job.heartbeatNs),
    queued_time: null,
    queue_name: null,
    tag: job.tag,
    exit_code: job.exitCode,
    status: job.status,
    hostname: job.hostname,
    cluster: null,
    image: null,
    run_as: job.runAs,
  };
}

/**
 * Builds the body of `DELETE /v1/content/{guid}/jobs/{key}`. Connect 2024.08 sends the
 * numeric ids as numbers here, unlike the string ids of its job list.
 */
export function jobKillOrderJson(job: JobRecord) {
  return {
    guid: stableGuid('job', job.key),
    app_id: job.contentId,
    app_guid: job.contentGuid,
    content_id: job.contentId,
    content_guid: job.contentGuid,
    job_id: job.id,
    job_key: job.key,
    result: 'Order to kill job registered',
  };
}

/** Builds the body of `GET /v1/tasks/{id}`, with the output lines from `first` on. */
export function taskJson(task: TaskRecord, first: number) {
  return {
    id: task.id,
    output: task.output.slice(first),
    result: null,
    finished: task.finished,
    code: task.code,
    error: task.error,
    last: task.output.length,
  };
}

/** Builds the legacy task body of the `POST /variants/{id}/render` response. */
export function legacyTaskJson(task: TaskRecord) {
  return {
    id: task.id,
    user_id: task.userId,
    status: [...task.output],
    result: null,
    finished: task.finished,
    code: task.code,
    error: task.error,
    last_status: task.output.length,
  };
}
