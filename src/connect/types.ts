/**
 * Shapes of the Posit Connect API objects that this package reads, after decoding.
 * Field names follow Connect's JSON. Ids are strings: the v1 routes send them as strings
 * and the legacy routes as integers, and the decoders turn both into strings.
 */

/** App modes that Connect renders (as opposed to apps it runs). */
export const RENDERED_APP_MODES = ['rmd-static', 'quarto-static', 'jupyter-static'] as const;

export type RenderedAppMode = (typeof RENDERED_APP_MODES)[number];

/** `GET /v1/content/{guid}`. */
export interface Content {
  guid: string;
  name: string;
  title: string | null;
  app_mode: string;
  /** Role of the API key's user on this content: owner, editor, viewer or none. */
  app_role: string | null;
  last_deployed_time: string | null;
  content_url: string | null;
}

/** An entry of `GET /applications/{guid}/variants` (legacy route). */
export interface Variant {
  id: string;
  key: string;
  is_default: boolean;
  name: string | null;
  rendering_id: string | null;
  render_time: string | null;
  /** Duration of the active rendering in nanoseconds, when Connect reports it. */
  render_duration: number | null;
}

/** Job status codes: 0 active, 1 finished, 2 finalized, 3 skipped. */
export type JobStatus = 0 | 1 | 2 | 3;

/** An entry of `GET /v1/content/{guid}/jobs`. */
export interface Job {
  id: string;
  key: string;
  tag: string;
  status: JobStatus;
  start_time: string | null;
  end_time: string | null;
  exit_code: number | null;
  variant_id: string | null;
  /** Key of the job's variant; Connect's 2026 API sends it, older servers do not. */
  variant_key: string | null;
  bundle_id: string | null;
}

/** Response of `DELETE /v1/content/{guid}/jobs/{key}`: Connect registered the order. */
export interface JobKillOrder {
  job_key: string;
  /** Connect's words, "Order to kill job registered" in 2024.08. */
  result: string;
}

/** An entry of `GET /variants/{id}/renderings` (legacy route): one successful render. */
export interface Rendering {
  id: string;
  variant_id: string;
  /** Key of the render job; it matches `Job.key`. */
  job_key: string | null;
  /** End of the render. */
  render_time: string | null;
  /** Duration of the render in nanoseconds, when Connect reports it. */
  render_duration: number | null;
  /** True for the rendering that Connect serves as the variant's output. */
  active: boolean;
}

/** A successful render read from Connect's job list. */
export interface RenderDuration {
  /** Key of the render job. */
  jobKey: string;
  /** The job's `start_time`, as Connect sent it (RFC 3339). */
  startedAt: string;
  /** The job's `end_time`, as Connect sent it (RFC 3339). */
  finishedAt: string;
  /**
   * Seconds from start to end, unrounded. Job times in recorded responses of Connect 2024.08
   * and 2025.01 are whole seconds, so this may be off by up to one second.
   */
  durationS: number;
}

/** `GET /v1/tasks/{id}`, with output lines stripped of Connect's timestamp prefix. */
export interface Task {
  id: string;
  output: string[];
  finished: boolean;
  /** Non-zero when the task failed; meaningful only once `finished` is true. */
  code: number;
  error: string;
  /** Total number of output lines produced so far; pass it as `first` in the next poll. */
  last: number;
}

/** Render route that accepted the request. */
export type RenderRoute = 'v1' | 'legacy';

/** A render that Connect accepted. */
export interface RenderStarted {
  taskId: string;
  route: RenderRoute;
  /**
   * Cookies that the render response set, as a `Cookie` header value, or null. Clustered Connect
   * routes task polls to the node that runs the task by these cookies.
   */
  cookie: string | null;
}
