import type { FastifyReply, FastifyRequest } from 'fastify';
import { appRoleOf, type AppRole } from '../access.js';
import { sendApiError, type ApiErrorName } from '../api-errors.js';
import type { Catalog, ContentRecord, UserRecord } from '../catalog.js';
import type { StandInFaults } from '../faults.js';
import type { RenderManager } from '../renders.js';
import type { TaskStore } from '../task-store.js';

/** Name of the cookie that pins task polls to this node in the sticky-cookie mode. */
export const NODE_COOKIE = 'stand-in-node';

/** State and settings that the route modules share. */
export interface StandInContext {
  catalog: Catalog;
  tasks: TaskStore;
  renders: RenderManager;
  v1Render: boolean;
  /** Injected faults; `faults.stickyCookie` turns the node cookie on. */
  faults: StandInFaults;
  /** Value of the node cookie that render responses set. */
  nodeId: string;
  /** Server URL without a trailing slash, known once the server listens. */
  baseUrl: () => string;
  /** True once close() has started. Polls then respond at once. */
  isClosing: () => boolean;
}

const callers = new WeakMap<FastifyRequest, UserRecord>();

/** Returns the API key of an `Authorization: Key <key>` header, or undefined. */
export function apiKeyOf(request: FastifyRequest): string | undefined {
  const match = /^Key\s+(\S+)\s*$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Records the caller that the authentication hook found for this request. */
export function setCaller(request: FastifyRequest, user: UserRecord): void {
  callers.set(request, user);
}

/** Returns the authenticated caller; routes under `/__api__` always have one. */
export function callerOf(request: FastifyRequest): UserRecord {
  const user = callers.get(request);
  if (!user) {
    throw new Error(`no authenticated caller for ${request.method} ${request.url}`);
  }
  return user;
}

/** A content item together with the caller and the caller's role on it. */
export interface CallerContent {
  user: UserRecord;
  content: ContentRecord;
  appRole: AppRole;
}

/**
 * Finds the content and the caller's role on it. Sends 404 code 4 when it does not exist
 * and 403 code 19 when the caller may not see it, and then returns undefined.
 */
export function findCallerContent(
  context: StandInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  content: ContentRecord | undefined,
): CallerContent | undefined {
  if (!content) {
    sendApiError(reply, 'objectDoesNotExist');
    return undefined;
  }
  const user = callerOf(request);
  const appRole = appRoleOf(user, content);
  if (appRole === null) {
    sendApiError(reply, 'noViewPermission');
    return undefined;
  }
  return { user, content, appRole };
}

/** Result of reading a JSON object body. */
export type JsonBody = { value: Record<string, unknown> } | { error: ApiErrorName };

/**
 * Parses a request body that must be a JSON object. An absent or blank body counts as `{}`,
 * because clients such as posit-sdk post legacy renders without one.
 */
export function parseJsonObject(body: unknown): JsonBody {
  if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) {
    return { value: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(String(body));
  } catch {
    return { error: 'invalidJson' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'invalidJson' };
  }
  return { value: value as Record<string, unknown> };
}
