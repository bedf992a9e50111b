/**
 * Keeps the fuzzer's requests malformed where it matters: a request that could pass every
 * check of a refresh would start a render, which the fuzz run counts as a failure. The test
 * here is deliberately wider than the gateway's own: any POST with a JSON-like content type,
 * credentials that might pass and a body that might be accepted gets a body that is
 * certainly rejected instead.
 */
import { createHmac } from 'node:crypto';
import { badBody } from './bodies.js';
import { USER_HEADER, type FuzzSecrets } from './fuzz-servers.js';
import type { Random } from './random.js';
import { headerValues, type FuzzRequest } from './raw-request.js';

/** Returns true unless the request certainly cannot start a render; see the file comment. */
export function couldStartRender(request: FuzzRequest, secrets: FuzzSecrets): boolean {
  if (request.raw !== undefined || request.method !== 'POST') {
    return false;
  }
  const contentTypes = headerValues(request, 'content-type');
  if (!contentTypes.some((value) => value.toLowerCase().includes('json'))) {
    return false;
  }
  return credentialsCouldPass(request, secrets) && bodyCouldBeAccepted(request);
}

/** Replaces the body of every request on the connection that could start a render. */
export function spoilRenderStarts(random: Random, request: FuzzRequest, secrets: FuzzSecrets): void {
  for (const each of [request, ...request.pipelined]) {
    if (!couldStartRender(each, secrets)) {
      continue;
    }
    if (each.framing === 'none') {
      each.framing = 'content-length';
    }
    let label = 'body:fixed';
    each.body = Buffer.from('{"spoiled":true}');
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const candidate = badBody(random);
      if (!bodyCouldBeAccepted({ ...each, body: candidate.body })) {
        each.body = candidate.body;
        label = candidate.label;
        break;
      }
    }
    each.labels.push(`oracle:${label}`);
  }
}

function credentialsCouldPass(request: FuzzRequest, secrets: FuzzSecrets): boolean {
  const authorizations = headerValues(request, 'authorization');
  if (authorizations.length > 0) {
    return authorizations.some((value) => {
      const token = /^bearer\s+(\S+)/i.exec(value.trim())?.[1];
      return token !== undefined && (token.includes(secrets.bearerToken) || signedWithSecret(token, secrets.jwtSecret));
    });
  }
  // The loopback gateway admits anonymous requests; the other one trusts the proxy headers.
  return request.gateway === 'loopback' || headerValues(request, USER_HEADER).length > 0;
}

/** True for a token whose HS256 signature verifies with the real secret, whatever its claims. */
function signedWithSecret(token: string, secret: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return false;
  }
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${parts[0]}.${parts[1]}`)
    .digest('base64url');
  return parts[2]!.replace(/=+$/, '') === expected;
}

/** True when the body, as the framing delivers it, is empty or `{}` up to whitespace. */
function bodyCouldBeAccepted(request: FuzzRequest): boolean {
  const delivered = request.framing === 'none' ? Buffer.alloc(0) : request.body;
  const text = delivered.toString('utf8').replace(/^\ufeff/, '').trim();
  if (text === '') {
    return true;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
  } catch {
    return false;
  }
}
