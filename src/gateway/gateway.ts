import { setMaxListeners } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import { ConnectClient, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../connect/index.js';
import { isLoopbackAddress } from './auth/address-blocks.js';
import { Authenticator } from './auth/authenticate.js';
import { sharedJwtSecret } from './auth/jwt-key.js';
import type { GatewayConfig } from './config.js';
import { MEMORY_CLAIM_TTL_MS, redisPassword } from './config-redis.js';
import {
  handleClientError,
  registerConnectionErrorResponses,
} from './connection-errors.js';
import { registerCors } from './cors.js';
import {
  BODY_LIMIT_BYTES,
  COMMON_HEADERS,
  registerErrorResponses,
  sendFrameworkError,
} from './error-responses.js';
import { GatewayConfigError } from './errors.js';
import { DEFAULT_FOLLOW_TIMING, type FollowTiming } from './follow-render.js';
import { HANDLE_SECRET_ENV, HandleSigner } from './handles.js';
import { LOG_BATCH_MS } from './held-progress.js';
import { acceptsAnyHost, registerHostCheck } from './host-check.js';
import { logConnectCheck, ReadinessProbe, registerHealthRoutes } from './health.js';
import { acceptEmptyJsonBodies } from './json-body.js';
import { RenderRegistry } from './render-registry.js';
import { ReportCatalog } from './report-catalog.js';
import { RequestGate } from './request-gate.js';
import { serializeRequest } from './request-log.js';
import { registerRoutes } from './routes.js';
import { MemoryState } from './shared-state/memory-state.js';
import { RedisState } from './shared-state/redis-state.js';
import type { SharedState } from './shared-state/types.js';
import { registerShutdown } from './shutdown.js';
import { logConnectRetry } from './connect-failures.js';

export interface GatewayOptions {
  config: GatewayConfig;
  connect: { server: string; apiKey: string };
  /** Fastify's `logger` option (pino options); default false. */
  logger?: boolean | object;
  /** Fetch implementation for the Connect client, for tests. */
  fetch?: typeof fetch;
  /**
   * How long Connect may return "task not found" for a render it just started before the
   * render counts as failed, in milliseconds; default 10 000.
   */
  taskGraceMs?: number;
  /**
   * When true, the gateway checks once after it starts listening that Connect accepts the API
   * key and lets it read the first report, as `/readyz` does, and logs the result. Default false.
   */
  checkConnectAtStart?: boolean;
  /** Maximum number of progress requests held at once; more get 429. Default 256. */
  maxHeldRequests?: number;
  /**
   * Minimum time in ms that new log lines alone keep a held progress request open, so lines
   * reach a client in batches. Default 2500 (LOG_BATCH_MS), and 0 releases at each new line.
   */
  logBatchMs?: number;
  /**
   * Secret that signs render handles, at least 32 bytes; the CLI reads it from
   * CONNECT_REFRESH_HANDLE_SECRET. Gateways that share it accept each other's handles, also
   * across restarts. Without it, a random secret is made at start.
   */
  handleSecret?: string;
  /**
   * Pause between reads of Connect's job list while following a render the gateway found
   * running on Connect, in milliseconds; default 3000.
   */
  jobPollMs?: number;
  /**
   * Environment that the JWT secret variable of `auth.jwt` and the Redis password are read
   * from; default process.env.
   */
  env?: NodeJS.ProcessEnv;
  /** Retries of Connect GET requests; default DEFAULT_RETRY_POLICY (3 attempts). */
  retry?: RetryPolicy;
  /**
   * Pause between reads of the shared state while following a render that another replica
   * owns, in milliseconds; default 500.
   */
  sharedPollMs?: number;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
const DEFAULT_MAX_HELD_REQUESTS = 256;
/** Close listeners allowed beyond one per held request and one per report's follower. */
const CLOSE_LISTENER_MARGIN = 16;

/** Log paths that could carry a credential; pino replaces their values. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

/**
 * Builds the refresh gateway as a fastify instance, not yet listening. Closing the instance
 * stops every render follower and releases held requests. Throws a GatewayConfigError when
 * the JWT key cannot be loaded. Callers that listen themselves must apply the rule of
 * `checkListenAddress`.
 */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  // Checked first, because it throws on a short secret.
  const handles = new HandleSigner(options.handleSecret);
  const app = Fastify({
    logger: loggerOptions(options.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    // Signed handles are up to about 240 characters; fastify's default limit is 100.
    routerOptions: { maxParamLength: 1024 },
    // Requests that arrive while closing get 503 `shutting_down` from a hook instead.
    return503OnClosing: false,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: handleClientError,
    // A request without Host gets the protocol's 400 from a hook, not Node's empty one.
    http: { requireHostHeader: false },
  });
  registerConnectionErrorResponses(app);
  registerHostCheck(app, options.config.auth);
  acceptEmptyJsonBodies(app);

  const env = options.env ?? process.env;
  let authenticator: Authenticator;
  let shared: SharedState;
  try {
    authenticator = await Authenticator.create(options.config.auth, env, app.log);
    shared = await openSharedState(options.config, env, app.log);
  } catch (error) {
    await app.close();
    throw error;
  }

  const closing = new AbortController();
  const maxHeldRequests = options.maxHeldRequests ?? DEFAULT_MAX_HELD_REQUESTS;
  // Each held progress request and each render follower listens for the close. Node warns of
  // a possible leak from the 11th listener on, which a busy gateway reaches without leaking.
  setMaxListeners(
    maxHeldRequests + Object.keys(options.config.reports).length + CLOSE_LISTENER_MARGIN,
    closing.signal,
  );
  const client = new ConnectClient({
    server: options.connect.server,
    apiKey: options.connect.apiKey,
    fetch: options.fetch,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    onRetry: (event) => logConnectRetry(app.log, event),
  });
  const claimTtlMs = options.config.redis?.claim_ttl_ms ?? MEMORY_CLAIM_TTL_MS;
  const timing: FollowTiming = {
    ...DEFAULT_FOLLOW_TIMING,
    taskGraceMs: options.taskGraceMs ?? DEFAULT_FOLLOW_TIMING.taskGraceMs,
    jobPollMs: options.jobPollMs ?? DEFAULT_FOLLOW_TIMING.jobPollMs,
    sharedPollMs: options.sharedPollMs ?? DEFAULT_FOLLOW_TIMING.sharedPollMs,
    claimRenewalMs: Math.floor(claimTtlMs / 3),
  };
  if (handles.generatedSecret) {
    app.log.info(
      `No ${HANDLE_SECRET_ENV} is set, so render handles will not survive a restart; set it ` +
        'to share handles across restarts and gateways.',
    );
  }
  const catalog = new ReportCatalog(options.config, client, app.log, closing.signal);
  const renders = new RenderRegistry({
    client,
    catalog,
    logger: app.log,
    signal: closing.signal,
    timing,
    handles,
    shared,
    // Render text could print any secret of the gateway, and redaction removes each.
    secrets: [
      options.connect.apiKey,
      options.handleSecret ?? '',
      sharedJwtSecret(options.config.auth.jwt, env) ?? '',
      options.config.redis === null ? '' : (redisPassword(options.config.redis, env) ?? ''),
    ],
  });

  const gate = new RequestGate({
    authenticator,
    rateLimit: options.config.rate_limit,
    rateLimits: shared.rateLimits,
    findReport: (name) => catalog.find(name),
    reportOfHandle: (handle) => handles.verify(handle)?.report,
  });
  RequestGate.decorate(app);
  registerErrorResponses(app, (request, response, cause) => {
    gate.auditRefusal(request, response, cause);
  });
  registerCors(app, options.config.cors, acceptsAnyHost(options.config.auth));
  registerShutdown(app, closing);

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(COMMON_HEADERS);
  });
  app.addHook('onClose', async () => {
    // The followers first, because they release their claims in the shared state.
    await renders.close();
    await shared.close();
  });

  const [firstName, firstReport] = Object.entries(options.config.reports)[0]!;
  const probe = new ReadinessProbe(client, { name: firstName, guid: firstReport.guid }, app.log);
  registerHealthRoutes(app, probe, shared);
  if (options.checkConnectAtStart === true) {
    app.addHook('onListen', async () => {
      void logConnectCheck(probe, options.connect.server, app.log);
    });
  }
  registerRoutes(app, {
    catalog,
    renders,
    handles,
    gate,
    closeSignal: closing.signal,
    maxHeldRequests,
    logBatchMs: options.logBatchMs ?? LOG_BATCH_MS,
    replicated: options.config.redis !== null,
  });
  return app;
}

/**
 * Opens the shared state: Redis when the config names one, else memory. Resolves also while
 * Redis is unreachable, after its connect timeout, so that the gateway serves reads.
 */
async function openSharedState(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
  logger: FastifyInstance['log'],
): Promise<SharedState> {
  if (config.redis === null) {
    return new MemoryState({ claimTtlMs: MEMORY_CLAIM_TTL_MS });
  }
  const state = await RedisState.open(config.redis, env, logger);
  logger.info(
    { redis: state.description, keyPrefix: config.redis.key_prefix },
    'Replicas share claims, cooldowns and rate limits in Redis',
  );
  return state;
}

/**
 * Throws a GatewayConfigError when the config leaves `auth.anonymous` unset and `host` is not
 * a loopback address, because requests from other machines would then be admitted without
 * anyone having decided so.
 */
export function checkListenAddress(config: GatewayConfig, host: string): void {
  if (config.auth.anonymous !== null || isLoopbackAddress(host)) {
    return;
  }
  throw new GatewayConfigError(`The gateway does not start on ${host}:`, [
    `auth.anonymous: not set, and ${host} is not a loopback address; set it to true to let ` +
      'requests without credentials refresh and read reports (within their access lists), or ' +
      'to false to require credentials',
  ]);
}

/**
 * Builds the gateway and listens on `host:port`, by default 127.0.0.1:8787. `close()` may be
 * called more than once.
 */
export async function startGateway(
  options: GatewayOptions & { host?: string; port?: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const host = options.host ?? DEFAULT_HOST;
  checkListenAddress(options.config, host);
  const app = await buildGateway(options);
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  } catch (error) {
    await app.close();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    close: () => {
      closing ??= app.close();
      return closing;
    },
  };
}

function loggerOptions(logger: GatewayOptions['logger']): false | Record<string, unknown> {
  if (logger === undefined || logger === false) {
    return false;
  }
  const base: Record<string, unknown> = logger === true ? {} : { ...logger };
  return {
    ...base,
    redact: { paths: [...REDACTED_PATHS, ...redactPaths(base.redact)] },
    // The request URL's query and render handles stay out of the log; see loggedPath.
    serializers: { ...(base.serializers as object | undefined), req: serializeRequest },
  };
}

function redactPaths(redact: unknown): string[] {
  if (Array.isArray(redact)) {
    return redact.map(String);
  }
  if (typeof redact === 'object' && redact !== null && 'paths' in redact) {
    return (redact as { paths: unknown[] }).paths.map(String);
  }
  return [];
}
