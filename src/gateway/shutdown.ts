import type { FastifyInstance } from 'fastify';
import { GatewayHttpError } from './errors.js';

/**
 * Seconds that a client refused during shutdown is asked to wait: an estimate of how long a
 * restart takes, or a load balancer needs to notice that this instance is gone.
 */
export const SHUTDOWN_RETRY_AFTER_S = 5;

/**
 * Registers the hooks of closing: `closing` aborts when closing starts, which releases held
 * requests and stops the render followers. Requests that arrive from then on get 503
 * `shutting_down` with `Retry-After`, and every response closes its connection. Register it
 * after the CORS hook, so that allowed pages can read the 503. Fastify must be created with
 * `return503OnClosing: false`, else it sends its own 503 body before any hook runs.
 */
export function registerShutdown(app: FastifyInstance, closing: AbortController): void {
  app.addHook('onRequest', async () => {
    if (closing.signal.aborted) {
      throw shuttingDown();
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    // Node closes idle keep-alive connections only once, when closing starts. A response still
    // in flight then would keep its connection open for fastify's keep-alive timeout (72 s).
    if (closing.signal.aborted) reply.header('connection', 'close');
  });
  // Held requests must end before the server can close, so release them first.
  app.addHook('preClose', async () => {
    closing.abort();
  });
}

function shuttingDown(): GatewayHttpError {
  return new GatewayHttpError(
    503,
    'shutting_down',
    `The gateway is shutting down; retry in ${SHUTDOWN_RETRY_AFTER_S} seconds, when it or ` +
      'another instance serves requests again.',
    { 'retry-after': String(SHUTDOWN_RETRY_AFTER_S) },
  );
}
