import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { canViewOutput } from '../access.js';
import { sendRouteNotFound } from '../api-errors.js';
import { activeRendering, defaultVariant, type ContentRecord } from '../catalog.js';
import { apiKeyOf, type StandInContext } from './context.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

interface OutputRequest {
  Params: { guid: string };
}

function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(`${text}\n`);
}

/**
 * Returns the decoded segments after `/content/{guid}/` in a raw request path, or null when
 * a segment is `.`, `..`, badly encoded, or contains a slash, backslash or NUL once decoded.
 */
function requestedSegments(rawPath: string): string[] | null {
  const segments: string[] = [];
  // The path is /content/{guid}/…, so the file path starts at the fourth part.
  for (const encoded of rawPath.split('/').slice(3)) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
      return null;
    }
    segments.push(segment);
  }
  return segments;
}

/** Resolves a file inside `root`, following symlinks; null when it ends up outside. */
async function resolveInside(root: string, segments: string[]): Promise<string | null> {
  try {
    const realRoot = await realpath(root);
    const target = await realpath(join(realRoot, ...segments));
    return target === realRoot || target.startsWith(realRoot + sep) ? target : null;
  } catch {
    return null;
  }
}

/** Returns the file to send for the request, following a folder to its index.html. */
async function findOutputFile(root: string, segments: string[]) {
  const target = await resolveInside(root, segments);
  if (!target) {
    return null;
  }
  const info = await stat(target);
  if (!info.isDirectory()) {
    return info.isFile() ? { path: target, size: info.size, isFolder: false } : null;
  }
  const index = await resolveInside(target, ['index.html']);
  const indexInfo = index ? await stat(index) : null;
  return index && indexInfo?.isFile()
    ? { path: index, size: indexInfo.size, isFolder: true }
    : null;
}

/**
 * Splits off a leading `v<key>` segment that names one of the content's variants, as in
 * Connect's variant URLs `<content_url>v<key>/`. Without one, the path is the default
 * variant's.
 */
function selectVariant(content: ContentRecord, segments: string[]) {
  const [first, ...rest] = segments;
  const named = first?.startsWith('v') === true
    ? content.variants.find((variant) => variant.key === first.slice(1))
    : undefined;
  return named === undefined
    ? { variant: defaultVariant(content), segments }
    : { variant: named, segments: rest };
}

/**
 * Registers `GET /content/{guid}/…`, which serves the files of the default variant's active
 * rendering, with `index.html` for a folder. `/content/{guid}/v{key}/…` serves those of the
 * variant with that key. Content with access type `all` needs no API key. Other content
 * needs the key of any user (`logged_in`) or of a user with a permission on it (`acl`).
 */
export function registerOutputRoutes(app: FastifyInstance, context: StandInContext): void {
  app.get<OutputRequest>('/content/:guid', async (request, reply) =>
    reply.redirect(`/content/${encodeURIComponent(request.params.guid)}/`, 301));

  app.get<OutputRequest>('/content/:guid/*', async (request, reply) => {
    const content = context.catalog.findContent(request.params.guid);
    if (!content) {
      return sendRouteNotFound(reply);
    }
    const apiKey = apiKeyOf(request);
    const user = apiKey === undefined ? undefined : context.catalog.findUserByKey(apiKey);
    if (!canViewOutput(user, content)) {
      return user
        ? sendText(reply, 403, 'You do not have permission to view this content.')
        : sendText(reply, 401, 'This content needs an API key: send Authorization: Key <key>.');
    }
    const rawPath = (request.raw.url ?? '').split('?')[0]!;
    const requested = requestedSegments(rawPath);
    if (!requested) {
      return sendRouteNotFound(reply);
    }
    const { variant, segments } = selectVariant(content, requested);
    const rendering = activeRendering(variant);
    if (!rendering) {
      return sendText(reply, 404, 'This content has no rendered output yet; render it first.');
    }
    const file = await findOutputFile(rendering.outputDir, segments);
    if (!file) {
      return sendRouteNotFound(reply);
    }
    if (file.isFolder && !rawPath.endsWith('/')) {
      return reply.redirect(`${rawPath}/`, 301);
    }
    const contentType = CONTENT_TYPES[extname(file.path).toLowerCase()];
    return reply
      .header('content-type', contentType ?? 'application/octet-stream')
      .header('content-length', file.size)
      .send(createReadStream(file.path));
  });
}
