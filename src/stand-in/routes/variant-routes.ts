import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendApiError } from '../api-errors.js';
import type { VariantRecord } from '../catalog.js';
import { legacyTaskJson, renderingJson, variantJson } from '../json.js';
import { checkRenderAllowed, startRender } from './render-start.js';
import {
  findCallerContent,
  parseJsonObject,
  type CallerContent,
  type StandInContext,
} from './context.js';

interface VariantParams {
  id: string;
}

/**
 * Legacy, unversioned routes that connectapi and posit-sdk use: variants, renderings and
 * the variant render. They send integer ids.
 */
export function registerVariantRoutes(app: FastifyInstance, context: StandInContext): void {
  /**
   * Finds the variant of the path and the caller's role on its content. Sends 404 code 4 for
   * an unknown id and 403 code 19 when the caller may not see the content.
   */
  const lookupVariant = (
    request: FastifyRequest<{ Params: VariantParams }>,
    reply: FastifyReply,
  ): (CallerContent & { variant: VariantRecord }) | undefined => {
    const raw = request.params.id;
    const owned = /^\d+$/.test(raw) ? context.catalog.findVariant(Number(raw)) : undefined;
    const found = findCallerContent(context, request, reply, owned?.content);
    return found && owned ? { ...found, variant: owned.variant } : undefined;
  };

  app.get<{ Params: { guid: string } }>(
    '/applications/:guid/variants',
    async (request, reply) => {
      const content = context.catalog.findContent(request.params.guid);
      const found = findCallerContent(context, request, reply, content);
      return found
        ? found.content.variants.map((variant) => variantJson(found.content, variant))
        : reply;
    },
  );

  app.get<{ Params: VariantParams }>('/variants/:id', async (request, reply) => {
    const found = lookupVariant(request, reply);
    return found ? variantJson(found.content, found.variant) : reply;
  });

  app.get<{ Params: VariantParams }>('/variants/:id/renderings', async (request, reply) => {
    const found = lookupVariant(request, reply);
    return found ? found.variant.renderings.map(renderingJson) : reply;
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
    const { task } = startRender(context, reply, found, found.variant);
    return legacyTaskJson(task);
  });
}
