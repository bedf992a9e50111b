import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendApiError } from '../api-errors.js';
import type { ContentRecord } from '../catalog.js';
import { legacyTaskJson, renderingJson, variantJson } from '../json.js';
import { checkRenderAllowed, startRender } from './render-start.js';
import { findCallerContent, parseJsonObject, type StandInContext } from './context.js';

interface VariantParams {
  id: string;
}

/**
 * Legacy, unversioned routes that connectapi and posit-sdk use: variants, renderings and
 * the variant render. They send integer ids.
 */
export function registerVariantRoutes(app: FastifyInstance, context: StandInContext): void {
  const findByVariantId = (raw: string): ContentRecord | undefined =>
    /^\d+$/.test(raw) ? context.catalog.findContentByVariantId(Number(raw)) : undefined;

  const lookupVariant = (
    request: FastifyRequest<{ Params: VariantParams }>,
    reply: FastifyReply,
  ) => findCallerContent(context, request, reply, findByVariantId(request.params.id));

  app.get<{ Params: { guid: string } }>(
    '/applications/:guid/variants',
    async (request, reply) => {
      const content = context.catalog.findContent(request.params.guid);
      const found = findCallerContent(context, request, reply, content);
      return found ? [variantJson(found.content)] : reply;
    },
  );

  app.get<{ Params: VariantParams }>('/variants/:id', async (request, reply) => {
    const found = lookupVariant(request, reply);
    return found ? variantJson(found.content) : reply;
  });

  app.get<{ Params: VariantParams }>('/variants/:id/renderings', async (request, reply) => {
    const found = lookupVariant(request, reply);
    return found ? found.content.variant.renderings.map(renderingJson) : reply;
  });

  // The body is `{}` or absent. Older connectapi versions sent email and activate settings,
  // in the query and the body; Connect accepted them, and the stand-in ignores them.
  app.post<{ Params: VariantParams }>('/variants/:id/render', async (request, reply) => {
    const found = lookupVariant(request, reply);
    if (!found || !checkRenderAllowed(reply, found)) {
      return reply;
    }
    const parsed = parseJsonObject(request.body);
    if ('error' in parsed) {
      return sendApiError(reply, parsed.error);
    }
    const { task } = startRender(context, reply, found);
    return legacyTaskJson(task);
  });
}
