import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canManage } from '../access.js';
import { sendApiError } from '../api-errors.js';
import { defaultVariant, type VariantRecord } from '../catalog.js';
import { contentJson, jobJson, jobKillOrderJson, type ContentInclude } from '../json.js';
import { checkRenderAllowed, startRender } from './render-start.js';
import {
  findCallerContent,
  parseJsonObject,
  type CallerContent,
  type StandInContext,
} from './context.js';

interface GuidParams {
  guid: string;
}

interface JobParams extends GuidParams {
  key: string;
}

const INCLUDES: readonly ContentInclude[] = ['tags', 'owner'];

/** Parses `?include=tags,owner`; returns null for an unknown or repeated parameter. */
function parseInclude(raw: unknown): ContentInclude[] | null {
  if (raw === undefined || raw === '') {
    return [];
  }
  if (typeof raw !== 'string') {
    return null;
  }
  const names = raw.split(',').map((name) => name.trim());
  if (!names.every((name) => (INCLUDES as readonly string[]).includes(name))) {
    return null;
  }
  return names as ContentInclude[];
}

/**
 * Validates the v1 render body, `{}` or `{"variant_key": string | null}` and nothing else, and
 * returns the variant to render: the one with that key, or the default variant without a key.
 * Sends 400 code 25 or 404 code 4 and returns undefined otherwise.
 */
function readRenderBody(
  reply: FastifyReply,
  body: unknown,
  found: CallerContent,
): VariantRecord | undefined {
  const parsed = parseJsonObject(body);
  if ('error' in parsed) {
    sendApiError(reply, parsed.error);
    return undefined;
  }
  const { variant_key: variantKey, ...others } = parsed.value;
  if (Object.keys(others).length > 0) {
    sendApiError(reply, 'invalidParameter');
    return undefined;
  }
  if (variantKey === undefined || variantKey === null) {
    return defaultVariant(found.content);
  }
  if (typeof variantKey !== 'string') {
    sendApiError(reply, 'invalidParameter');
    return undefined;
  }
  const variant = found.content.variants.find((candidate) => candidate.key === variantKey);
  if (variant === undefined) {
    sendApiError(reply, 'objectDoesNotExist');
  }
  return variant;
}

/** Routes under `/v1/content/{guid}`: the content object, v1 render, jobs and job kills. */
export function registerContentRoutes(app: FastifyInstance, context: StandInContext): void {
  const lookup = (request: FastifyRequest<{ Params: GuidParams }>, reply: FastifyReply) =>
    findCallerContent(context, request, reply, context.catalog.findContent(request.params.guid));

  app.get<{ Params: GuidParams; Querystring: { include?: unknown } }>(
    '/v1/content/:guid',
    async (request, reply) => {
      const found = lookup(request, reply);
      if (!found) {
        return reply;
      }
      const include = parseInclude(request.query.include);
      if (include === null) {
        return sendApiError(reply, 'invalidInclude');
      }
      return contentJson(found.content, found.appRole, context.baseUrl(), include);
    },
  );

  if (context.v1Render) {
    app.post<{ Params: GuidParams }>('/v1/content/:guid/render', async (request, reply) => {
      const found = lookup(request, reply);
      if (!found || !checkRenderAllowed(reply, found)) {
        return reply;
      }
      const variant = readRenderBody(reply, request.body, found);
      if (variant === undefined) {
        return reply;
      }
      const { task } = startRender(context, reply, found, variant);
      return reply.code(202).send({ task_id: task.id });
    });
  }

  const lookupManaged = (request: FastifyRequest<{ Params: GuidParams }>, reply: FastifyReply) => {
    const found = lookup(request, reply);
    if (found && !canManage(found.user, found.appRole)) {
      sendApiError(reply, 'permissionDenied');
      return undefined;
    }
    return found;
  };

  app.get<{ Params: GuidParams }>('/v1/content/:guid/jobs', async (request, reply) => {
    const found = lookupManaged(request, reply);
    return found ? found.content.jobs.map(jobJson) : reply;
  });

  app.get<{ Params: JobParams }>('/v1/content/:guid/jobs/:key', async (request, reply) => {
    const found = lookupManaged(request, reply);
    if (!found) {
      return reply;
    }
    const job = found.content.jobs.find((candidate) => candidate.key === request.params.key);
    return job ? jobJson(job) : sendApiError(reply, 'objectDoesNotExist');
  });

  // Connect registers the order and ends the job afterwards, but the stand-in kills at once.
  app.delete<{ Params: JobParams }>('/v1/content/:guid/jobs/:key', async (request, reply) => {
    const found = lookupManaged(request, reply);
    if (!found) {
      return reply;
    }
    const job = found.content.jobs.find((candidate) => candidate.key === request.params.key);
    if (!job) {
      return sendApiError(reply, 'objectDoesNotExist');
    }
    if (job.status !== 0 || !context.renders.kill(job)) {
      return sendApiError(reply, 'inactiveJob');
    }
    return jobKillOrderJson(job);
  });
}
