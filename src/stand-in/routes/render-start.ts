import type { FastifyReply } from 'fastify';
import { canManage } from '../access.js';
import { sendApiError } from '../api-errors.js';
import type { VariantRecord } from '../catalog.js';
import { RENDERED_APP_MODES } from '../config-types.js';
import type { StartedRender } from '../renders.js';
import { NODE_COOKIE, type CallerContent, type StandInContext } from './context.js';

/**
 * Checks that the caller may render this content and that it is a rendered report. Sends
 * 403 code 22 or 400 code 39 and returns false otherwise.
 */
export function checkRenderAllowed(reply: FastifyReply, found: CallerContent): boolean {
  if (!canManage(found.user, found.appRole)) {
    sendApiError(reply, 'permissionDenied');
    return false;
  }
  if (!RENDERED_APP_MODES.includes(found.content.settings.app_mode)) {
    sendApiError(reply, 'unsupportedAction');
    return false;
  }
  return true;
}

/**
 * Starts a render of the variant and, with `stickyCookie` on, sets the cookie that task polls
 * need.
 */
export function startRender(
  context: StandInContext,
  reply: FastifyReply,
  found: CallerContent,
  variant: VariantRecord,
): StartedRender {
  const started = context.renders.start(found.content, variant, found.user);
  if (context.faults.stickyCookie) {
    reply.header('set-cookie', `${NODE_COOKIE}=${context.nodeId}; Path=/; HttpOnly; SameSite=Lax`);
  }
  return started;
}
