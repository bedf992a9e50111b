/** Public API of the Posit Connect client. */
export { ConnectClient, isLegacyRouteUnavailable } from './client.js';
export type { ConnectClientOptions, GetTaskOptions, RenderOptions } from './client.js';
export {
  decodeApiError,
  decodeContent,
  decodeJobKillOrder,
  decodeJobs,
  decodeLegacyRenderTask,
  decodeRenderings,
  decodeRenderTask,
  decodeTask,
  decodeVariants,
} from './decode.js';
export {
  ConnectApiError,
  ConnectError,
  ConnectResponseError,
  ConnectUnreachableError,
  NotRenderableError,
  VariantSelectionError,
  isInactiveJob,
  isTaskNotFound,
} from './errors.js';
export {
  isRenderedAppMode,
  isSuccessfulRenderJob,
  newestSuccessfulRenderEnd,
  RENDER_JOB_TAGS,
  successfulRenderDurations,
} from './render-rules.js';
export {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
  type RetryEvent,
  type RetryPolicy,
} from './retry.js';
export { stripTimestamp } from './timestamps.js';
export { RENDERED_APP_MODES } from './types.js';
export type {
  Content,
  Job,
  JobKillOrder,
  JobStatus,
  RenderDuration,
  Rendering,
  RenderRoute,
  RenderStarted,
  RenderedAppMode,
  Task,
  Variant,
} from './types.js';
