import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendApiError } from '../api-errors.js';
import { taskJson } from '../json.js';
import type { TaskRecord } from '../task-store.js';
import { NODE_COOKIE, type StandInContext } from './context.js';

/** Maximum `wait` of a task poll that Connect accepts, in seconds. */
export const MAX_WAIT_SECONDS = 20;

interface TaskRequest {
  Params: { id: string };
  Querystring: { first?: unknown; wait?: unknown };
}

/** Parses an integer query parameter in min..max; absent or empty means min. */
function parseBoundedInteger(raw: unknown, min: number, max: number): number | null {
  if (raw === undefined || raw === '') {
    return min;
  }
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
    return null;
  }
  const value = Number(raw);
  return value >= min && value <= max ? value : null;
}

function hasNodeCookie(request: FastifyRequest, nodeId: string): boolean {
  const cookies = (request.headers.cookie ?? '').split(';').map((part) => part.trim());
  return cookies.includes(`${NODE_COOKIE}=${nodeId}`);
}

/**
 * Tells whether this poll must respond as if the task did not exist. That is the case
 * without the node cookie when `stickyCookie` is on, or while the task has
 * `missingTaskPolls` left.
 */
function isHiddenFromPoll(context: StandInContext, request: FastifyRequest, task: TaskRecord) {
  if (context.faults.stickyCookie && !hasNodeCookie(request, context.nodeId)) {
    return true;
  }
  if (task.missingPollsLeft > 0) {
    task.missingPollsLeft -= 1;
    return true;
  }
  return false;
}

/** Holds the poll until the task finishes, `waitSeconds` pass, or the client goes away. */
async function holdPoll(
  context: StandInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  task: TaskRecord,
  waitSeconds: number,
): Promise<void> {
  if (waitSeconds === 0 || task.finished || context.isClosing()) {
    return;
  }
  const disconnected = new AbortController();
  const onClose = () => disconnected.abort();
  reply.raw.once('close', onClose);
  request.log.debug({ taskId: task.id, waitSeconds }, 'task poll held');
  await context.tasks.waitForFinish(task, waitSeconds * 1000, disconnected.signal);
  reply.raw.off('close', onClose);
}

/** `GET /v1/tasks/{id}?first=N&wait=S`: task output and state, with long polling. */
export function registerTaskRoutes(app: FastifyInstance, context: StandInContext): void {
  app.get<TaskRequest>('/v1/tasks/:id', async (request, reply) => {
    const task = context.tasks.get(request.params.id);
    if (!task || isHiddenFromPoll(context, request, task)) {
      return sendApiError(reply, 'taskDoesNotExist');
    }
    const waitSeconds = parseBoundedInteger(request.query.wait, 0, MAX_WAIT_SECONDS);
    const first = parseBoundedInteger(request.query.first, 0, task.output.length);
    if (waitSeconds === null || first === null) {
      return sendApiError(reply, 'invalidParameter');
    }
    await holdPoll(context, request, reply, task, waitSeconds);
    if (reply.raw.destroyed) {
      request.log.debug({ taskId: task.id }, 'task poll client went away');
      return reply.hijack();
    }
    return taskJson(task, first);
  });
}
