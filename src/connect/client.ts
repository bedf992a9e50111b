/** Typed calls to the Posit Connect API that a refresh gateway needs. */
import { collectCookies } from './cookies.js';
import {
  decodeContent,
  decodeJobKillOrder,
  decodeJobs,
  decodeLegacyRenderTask,
  decodeRenderings,
  decodeRenderTask,
  decodeTask,
  decodeVariants,
} from './decode.js';
import { ConnectApiError, ConnectResponseError, NotRenderableError } from './errors.js';
import {
  isRenderedAppMode,
  newestSuccessfulRenderEnd,
  selectVariant,
  successfulRenderDurations,
} from './render-rules.js';
import type { RetryEvent, RetryPolicy } from './retry.js';
import { ConnectTransport } from './transport.js';
import type {
  Content,
  Job,
  JobKillOrder,
  RenderDuration,
  Rendering,
  RenderStarted,
  Task,
  Variant,
} from './types.js';

export interface ConnectClientOptions {
  /** Address of the Connect server, e.g. `http://127.0.0.1:3939`; the API is below `/__api__`. */
  server: string;
  /** API key, sent as `Authorization: Key <apiKey>`. */
  apiKey: string;
  /** Fetch implementation; defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Timeout of each request in ms, default 30 000. A task poll adds its `wait` to it. */
  requestTimeoutMs?: number;
  /**
   * Retries of GET requests after network errors, 429 and 5xx; none when absent. Render
   * requests (POST) are never retried, because a lost response may hide a started render.
   */
  retry?: RetryPolicy;
  /** Called before each retry, for the caller's log. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RenderOptions {
  /** Key of the variant to render; the default variant when undefined. */
  variantKey?: string;
  signal?: AbortSignal;
}

export interface GetTaskOptions {
  /** Index of the first output line to return; pass the previous poll's `last`. */
  first?: number;
  /** Seconds that Connect may hold the request while the task has not finished. */
  wait?: number;
  /** `Cookie` header value from RenderStarted.cookie. */
  cookie?: string | null;
  signal?: AbortSignal;
}

/**
 * Connect's code for "The requested method or endpoint is not supported". Older servers answer
 * a missing route with plain text instead; which one a given version sends is not documented,
 * so both mean that the route does not exist.
 */
const UNSUPPORTED_ENDPOINT_CODE = 2;

/** Returns true for a 404 response that means the route does not exist on this server. */
function isMissingRoute(error: unknown): boolean {
  return error instanceof ConnectApiError && error.status === 404 &&
    (error.code === null || error.code === UNSUPPORTED_ENDPOINT_CODE);
}

/**
 * Returns true when a legacy route (variants, renderings) failed because the server lacks the
 * route or rejects it, or because its response changed shape. These routes are undocumented
 * and internal, so callers treat such a failure as "no data" rather than as an outage.
 */
export function isLegacyRouteUnavailable(error: unknown): boolean {
  if (error instanceof ConnectResponseError) {
    return true;
  }
  return error instanceof ConnectApiError && [403, 404, 405].includes(error.status);
}

function validateCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new RangeError(`Invalid ${name} ${value}: expected a non-negative integer.`);
  }
}

/** Percent-encodes an id for a path segment, rejecting an empty one. */
function encode(id: string): string {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`Invalid id ${JSON.stringify(id)}: expected a non-empty string.`);
  }
  return encodeURIComponent(id);
}

/** Client for the Connect API routes that render a report and follow the render. */
export class ConnectClient {
  readonly #transport: ConnectTransport;

  constructor(options: ConnectClientOptions) {
    this.#transport = new ConnectTransport(options);
  }

  /** Reads the content item: `GET /v1/content/{guid}`. */
  async getContent(guid: string, signal?: AbortSignal): Promise<Content> {
    const response = await this.#transport.request('GET', `/v1/content/${encode(guid)}`,
      decodeContent, { signal });
    return response.value;
  }

  /**
   * Starts a render of a report and returns its task id. Raises NotRenderableError for
   * content that Connect does not render, without sending a render request. Uses
   * `POST /v1/content/{guid}/render` and falls back to the legacy variant render on servers
   * that lack that route. There, VariantSelectionError means no single variant matched.
   */
  async render(guid: string, options: RenderOptions = {}): Promise<RenderStarted> {
    const { variantKey, signal } = options;
    const content = await this.getContent(guid, signal);
    if (!isRenderedAppMode(content.app_mode)) {
      throw new NotRenderableError(
        this.#transport.redact(
          `Content ${guid} is a ${content.app_mode}, not a rendered report (rmd-static, ` +
            'quarto-static or jupyter-static). Connect restarts apps instead of rendering ' +
            'them, so choose a report.',
        ),
        { guid, appMode: content.app_mode },
      );
    }

    try {
      return await this.#renderV1(guid, variantKey, signal);
    } catch (error) {
      if (!isMissingRoute(error)) {
        throw error;
      }
    }
    return this.#renderLegacy(guid, variantKey, signal);
  }

  async #renderV1(
    guid: string,
    variantKey: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RenderStarted> {
    const body = variantKey === undefined ? {} : { variant_key: variantKey };
    const response = await this.#transport.request('POST', `/v1/content/${encode(guid)}/render`,
      decodeRenderTask, { body, signal });
    const cookie = collectCookies(response.headers);
    return { taskId: response.value.task_id, route: 'v1', cookie };
  }

  async #renderLegacy(
    guid: string,
    variantKey: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RenderStarted> {
    const variants = await this.listVariants(guid, signal);
    const variant = selectVariant(variants, guid, variantKey ?? null,
      (text) => this.#transport.redact(text));
    const response = await this.#transport.request('POST', `/variants/${encode(variant.id)}/render`,
      decodeLegacyRenderTask, { body: {}, signal });
    const cookie = collectCookies(response.headers);
    return { taskId: response.value.id, route: 'legacy', cookie };
  }

  /**
   * Polls a task: `GET /v1/tasks/{id}?first=&wait=`. Output lines come without Connect's
   * timestamp prefix. The request timeout grows by `wait` seconds.
   */
  async getTask(taskId: string, options: GetTaskOptions = {}): Promise<Task> {
    const { first, wait, cookie, signal } = options;
    validateCount('first', first);
    validateCount('wait', wait);

    const query = new URLSearchParams();
    if (first !== undefined) {
      query.set('first', String(first));
    }
    if (wait !== undefined) {
      query.set('wait', String(wait));
    }
    const search = query.size === 0 ? '' : `?${query}`;
    const response = await this.#transport.request('GET', `/v1/tasks/${encode(taskId)}${search}`,
      decodeTask, { cookie, signal, extraTimeoutMs: (wait ?? 0) * 1000 });
    return response.value;
  }

  /** Lists the variants of a report: `GET /applications/{guid}/variants` (legacy route). */
  async listVariants(guid: string, signal?: AbortSignal): Promise<Variant[]> {
    const response = await this.#transport.request('GET', `/applications/${encode(guid)}/variants`,
      decodeVariants, { signal });
    return response.value;
  }

  /**
   * Lists the renderings (successful renders) of a variant:
   * `GET /variants/{id}/renderings` (legacy route). How many Connect keeps is not documented.
   */
  async listRenderings(variantId: string, signal?: AbortSignal): Promise<Rendering[]> {
    const response = await this.#transport.request('GET',
      `/variants/${encode(variantId)}/renderings`, decodeRenderings, { signal });
    return response.value;
  }

  /** Lists the jobs (processes) of a content item: `GET /v1/content/{guid}/jobs`. */
  async listJobs(guid: string, signal?: AbortSignal): Promise<Job[]> {
    const response = await this.#transport.request('GET', `/v1/content/${encode(guid)}/jobs`,
      decodeJobs, { signal });
    return response.value;
  }

  /**
   * Orders Connect to end a running job: `DELETE /v1/content/{guid}/jobs/{key}`. Resolves once
   * Connect registered the order, which may be before the job has ended. A job that is no
   * longer active rejects with ConnectApiError 409, code 163 (see isInactiveJob).
   */
  async killJob(guid: string, jobKey: string, signal?: AbortSignal): Promise<JobKillOrder> {
    const path = `/v1/content/${encode(guid)}/jobs/${encode(jobKey)}`;
    const response = await this.#transport.request('DELETE', path, decodeJobKillOrder, { signal });
    return response.value;
  }

  /**
   * Lists the report's successful renders from its job list, newest first, with their start
   * and end times and durations. Only render jobs (tags build_report, build_site and
   * build_jupyter) with status 1 or 2, exit code 0 and both times count. How long Connect
   * keeps jobs is not documented, so the list may be short. Errors of the jobs route propagate.
   */
  async listRenderDurations(guid: string, signal?: AbortSignal): Promise<RenderDuration[]> {
    return successfulRenderDurations(await this.listJobs(guid, signal));
  }

  /**
   * Returns the default variant's `render_time` from the legacy variants route, or null when
   * that variant has none or the route is missing, rejected or changed shape. Other errors
   * propagate.
   */
  async getDefaultRenderTime(guid: string, signal?: AbortSignal): Promise<string | null> {
    let variants: Variant[] = [];
    try {
      variants = await this.listVariants(guid, signal);
    } catch (error) {
      if (!isLegacyRouteUnavailable(error)) {
        throw error;
      }
    }
    return variants.find((variant) => variant.is_default)?.render_time ?? null;
  }

  /**
   * Returns when the report last rendered successfully, as Connect's RFC 3339 string, or null.
   * Prefers the default variant's `render_time` (see getDefaultRenderTime). Without one, uses
   * the `end_time` of the newest successful render job. Never uses `last_deployed_time`,
   * which changes on deployment only. Errors of the jobs route propagate.
   */
  async getLastRenderedAt(guid: string, signal?: AbortSignal): Promise<string | null> {
    const renderTime = await this.getDefaultRenderTime(guid, signal);
    if (renderTime !== null) {
      return renderTime;
    }
    return newestSuccessfulRenderEnd(await this.listJobs(guid, signal));
  }
}
