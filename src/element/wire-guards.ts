import type {
  CancelResult,
  GatewayErrorBody,
  RecentRender,
  RecentRenders,
  RefreshAccepted,
  RenderProgress,
  RenderState,
  ReportStatus,
} from '../protocol/index.js';

/**
 * Type guards for the gateway's JSON bodies. They check the fields the element reads, so a
 * proxy's error page or an incompatible gateway ends in an error instead of a broken display.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRenderState(value: unknown): value is RenderState {
  return value === 'running' || value === 'succeeded' || value === 'failed' || value === 'unknown'
    || value === 'cancelled';
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isRenderSummary(value: unknown): boolean {
  return isObject(value)
    && typeof value.handle === 'string'
    && isRenderState(value.state)
    && typeof value.started_at === 'string';
}

export function isGatewayErrorBody(value: unknown): value is GatewayErrorBody {
  return isObject(value)
    && isObject(value.error)
    && typeof value.error.code === 'string'
    && typeof value.error.message === 'string';
}

export function isReportStatus(value: unknown): value is ReportStatus {
  return isObject(value)
    && typeof value.name === 'string'
    && typeof value.title === 'string'
    && isStringOrNull(value.last_rendered_at)
    && (value.render === null || isRenderSummary(value.render))
    && typeof value.server_time === 'string';
}

/**
 * Returns whether a value is the body of the recent renders route. Each render needs its
 * times and a state string. The element shows a state that it has no word for as sent.
 */
export function isRecentRenders(value: unknown): value is RecentRenders {
  return isObject(value)
    && typeof value.name === 'string'
    && Array.isArray(value.renders)
    && value.renders.every(isRecentRender)
    && typeof value.server_time === 'string';
}

function isRecentRender(value: unknown): value is RecentRender {
  return isObject(value)
    && typeof value.started_at === 'string'
    && isStringOrNull(value.finished_at)
    && typeof value.state === 'string'
    && (value.duration === null || typeof value.duration === 'number')
    && typeof value.started_by_gateway === 'boolean'
    && isStringOrNull(value.started_by);
}

export function isRefreshAccepted(value: unknown): value is RefreshAccepted {
  return isRenderSummary(value) && isObject(value) && typeof value.joined === 'boolean';
}

export function isRenderProgress(value: unknown): value is RenderProgress {
  return isObject(value)
    && typeof value.handle === 'string'
    && isRenderState(value.state)
    && Array.isArray(value.output)
    && value.output.every((line) => typeof line === 'string')
    && Number.isInteger(value.next)
    && typeof value.started_at === 'string'
    && isStringOrNull(value.finished_at)
    && isStringOrNull(value.error)
    && isStringOrNull(value.last_rendered_at)
    && typeof value.server_time === 'string';
}

/**
 * Returns whether a progress body reports that the render has run past its maximum duration. A
 * gateway older than the `stuck` field sends none, which counts as false.
 */
export function isStuck(progress: RenderProgress): boolean {
  return (progress as Partial<RenderProgress>).stuck === true;
}

export function isCancelResult(value: unknown): value is CancelResult {
  return isObject(value)
    && typeof value.handle === 'string'
    && isRenderState(value.state)
    && isStringOrNull(value.finished_at)
    && isStringOrNull(value.error)
    && typeof value.server_time === 'string';
}

/**
 * Returns the `can_cancel` of a status body: true only when the field is true. A gateway
 * older than the field sends none, and then nobody may cancel.
 */
export function canCancelOf(status: unknown): boolean {
  return isObject(status) && status.can_cancel === true;
}

/** Maximum number of `recent_durations` that the protocol allows and the element reads. */
export const MAX_RECENT_DURATIONS = 10;

/**
 * Maximum render duration in seconds that the element accepts: 7 days. A larger value comes
 * from a broken clock or unit, not from a render, and would stretch the estimate to nonsense.
 */
export const MAX_RENDER_SECONDS = 7 * 24 * 60 * 60;

/**
 * Returns the `recent_durations` of a status body: its first MAX_RECENT_DURATIONS entries,
 * which are the newest, without those that cannot be a render's duration in seconds (not a
 * finite number, negative, or above MAX_RENDER_SECONDS). Returns an empty array when the field
 * is missing, as from a gateway older than the field, or is not an array.
 */
export function recentDurationsOf(status: unknown): number[] {
  const durations = isObject(status) ? status.recent_durations : undefined;

  if (!Array.isArray(durations)) {
    return [];
  }

  return durations.slice(0, MAX_RECENT_DURATIONS).filter(isRenderDuration);
}

function isRenderDuration(value: unknown): value is number {
  return typeof value === 'number'
    && Number.isFinite(value)
    && value >= 0
    && value <= MAX_RENDER_SECONDS;
}
