import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_ERRORS } from './api-errors.js';
import type { PickedFaults, StandInFaults } from './faults.js';

type ResponseFault = NonNullable<PickedFaults['responseFault']>;

/** Plain-text bodies of a proxy such as nginx in front of Connect, without its HTML. */
const PROXY_BODIES: Record<502 | 503, string> = {
  502: '502 Bad Gateway\n',
  503: '503 Service Unavailable\n',
};

/** Waits `ms`, or less when `signal` aborts because the stand-in closes or restarts. */
async function wait(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: respond at once.
  }
}

/** Builds the status, headers and body that an error or rate-limit fault sends. */
function faultResponse(fault: ResponseFault) {
  const headers: Record<string, string> = {};
  if ((fault.kind === 'error' || fault.kind === 'rate-limit')
    && fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(fault.retryAfterSeconds);
  }
  if (fault.kind === 'error' && fault.status !== 500) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    return { status: fault.status, headers, body: PROXY_BODIES[fault.status] };
  }
  const spec = fault.kind === 'rate-limit' ? API_ERRORS.rateLimitExceeded : API_ERRORS.internal;
  headers['content-type'] = 'application/json; charset=utf-8';
  const body = JSON.stringify({ code: spec.code, error: spec.message, payload: null });
  return { status: spec.status, headers, body };
}

/**
 * Returns a body stream that makes Node send the headers and `part`, then fails, which makes
 * fastify destroy the connection. The failure waits one turn of the event loop, because Node
 * writes the headers and the first chunk on the next tick.
 */
function brokenBody(response: ServerResponse, part: Buffer): Readable {
  let started = false;
  return new Readable({
    read() {
      if (!started) {
        started = true;
        response.flushHeaders();
        if (part.length > 0) {
          this.push(part);
          return;
        }
      }
      setImmediate(() => this.destroy(new Error('stand-in fault: connection reset')));
    },
  });
}

/** Returns the first half of a string or buffer payload, and nothing of a stream. */
function firstHalf(payload: unknown): Buffer {
  if (payload instanceof Readable) {
    payload.destroy();
    return Buffer.alloc(0);
  }
  const whole = typeof payload === 'string' || Buffer.isBuffer(payload)
    ? Buffer.from(payload)
    : Buffer.alloc(0);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** Applies a fault that acts before the route runs, and returns the sent reply. */
function applyFaultBefore(request: FastifyRequest, reply: FastifyReply, fault: ResponseFault) {
  if (fault.kind === 'drop') {
    reply.hijack();
    request.raw.socket.destroy();
    return reply;
  }
  const { status, headers, body } = faultResponse(fault);
  return reply.code(status).headers(headers).send(body);
}

/** Applies a fault to the response that the route built; returns the payload to send. */
function applyFaultAfter(request: FastifyRequest, reply: FastifyReply, fault: ResponseFault,
  payload: unknown): unknown {
  if (fault.kind === 'drop') {
    request.raw.socket.destroy();
    return payload;
  }
  if (fault.kind === 'reset') {
    const whole = typeof payload === 'string' || Buffer.isBuffer(payload)
      ? Buffer.byteLength(payload)
      : undefined;
    if (whole !== undefined) {
      reply.header('content-length', whole);
    }
    return brokenBody(reply.raw, firstHalf(payload));
  }
  const { status, headers, body } = faultResponse(fault);
  reply.removeHeader('content-length');
  reply.removeHeader('set-cookie');
  if (payload instanceof Readable) {
    payload.destroy();
  }
  reply.code(status).headers(headers);
  return body;
}

/**
 * Adds the hooks that apply request faults to every route, unknown routes included. The
 * onRequest hook picks the faults of each request and applies those that act before the
 * route runs. The onSend hook applies the rest to the route's response. `signal` cuts
 * latency faults short when the stand-in closes or restarts.
 */
export function registerFaultHooks(
  app: FastifyInstance,
  faults: StandInFaults,
  signal: () => AbortSignal,
): void {
  const pickedByRequest = new WeakMap<FastifyRequest, PickedFaults>();

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    const picked = faults.take(request.method, path);
    if (picked.latency === undefined && picked.responseFault === undefined) {
      return;
    }
    request.log.info({
      method: request.method,
      path,
      latencyMs: picked.latency?.ms,
      latencyWhen: picked.latency?.when,
      fault: picked.responseFault?.kind,
      faultWhen: picked.responseFault?.when,
    }, 'fault injected');
    if (picked.latency?.when === 'before') {
      await wait(picked.latency.ms, signal());
    }
    if (picked.responseFault?.when === 'before') {
      return applyFaultBefore(request, reply, picked.responseFault);
    }
    pickedByRequest.set(request, picked);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const picked = pickedByRequest.get(request);
    if (picked === undefined) {
      return payload;
    }
    pickedByRequest.delete(request);
    if (picked.latency?.when === 'after') {
      await wait(picked.latency.ms, signal());
    }
    if (picked.responseFault?.when === 'after') {
      return applyFaultAfter(request, reply, picked.responseFault, payload);
    }
    return payload;
  });
}
