import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { sendApiError, sendRouteNotFound } from './api-errors.js';
import { Catalog } from './catalog.js';
import { trackConnections } from './connections.js';
import type { StandInConfig } from './config-types.js';
import { registerFaultHooks } from './fault-hooks.js';
import type { FaultSettings } from './fault-types.js';
import { StandInFaults } from './faults.js';
import { randomAlphanumeric } from './ids.js';
import { RenderManager } from './renders.js';
import { registerContentRoutes } from './routes/content-routes.js';
import { apiKeyOf, setCaller, type StandInContext } from './routes/context.js';
import { registerOutputRoutes } from './routes/output-routes.js';
import { registerTaskRoutes } from './routes/task-routes.js';
import { registerVariantRoutes } from './routes/variant-routes.js';
import { TaskStore } from './task-store.js';

export interface StandInOptions {
  /** Validated config, from loadStandInConfig or parseStandInConfig. */
  config: StandInConfig;
  /** Folder that content `source` paths are relative to. */
  configDir: string;
  /** Folder for render working copies; default a fresh temporary folder, removed on close. */
  stateDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 3939, Connect's own port; 0 picks a free port. */
  port?: number;
  /**
   * Default true. False removes `POST /v1/content/{guid}/render`, which then returns the
   * plain-text 404 of any unknown route, as on Connect versions without it.
   */
  v1Render?: boolean;
  /**
   * Default 0. The first N polls of each new task get 404 code 141, as right after a render
   * starts on a busy server.
   */
  missingTaskPolls?: number;
  /**
   * Default false. True makes render responses set a node cookie, and task polls without
   * it get 404 code 141, as on clustered Connect behind a sticky load balancer. The same as
   * `faults.stickyCookie`, which `StandIn.faults` can switch later.
   */
  stickyCookie?: boolean;
  /** Faults in force from the start; default none. See StandIn.faults. */
  faults?: FaultSettings;
  /** Time in ms a finished task stays readable; default 10 minutes. */
  taskRetentionMs?: number;
  /** Fastify's logger option; default false. */
  logger?: boolean | object;
}

export interface StandIn {
  /** Base URL without a trailing slash, such as http://127.0.0.1:3939. */
  url: string;
  /** The injected faults, which a test may change at any time. */
  faults: StandInFaults;
  /**
   * Restarts the stand-in as Connect restarts: every open connection is destroyed, new ones
   * are refused until the restart ends, every task is forgotten (task polls then get 404
   * code 141), and running renders are killed. Their jobs end with no exit code. Jobs,
   * renderings and faults survive, as Connect keeps the first two in its database. Resolves
   * once the stand-in accepts connections again.
   */
  restart(): Promise<void>;
  /** Kills running renders, ends held polls and stops the server. */
  close(): Promise<void>;
}

const DEFAULT_TASK_RETENTION_MS = 10 * 60 * 1000;
/** Largest request body accepted, in bytes; render bodies are a few bytes of JSON. */
const BODY_LIMIT = 64 * 1024;

function urlOf(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.address;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${address.port}`;
}

function configureServer(app: FastifyInstance): void {
  // Every body arrives as text and the routes parse the JSON themselves, so that a malformed
  // body gets Connect's error codes instead of Fastify's, whatever its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_request, body, done) => done(null, body));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  app.setNotFoundHandler((_request, reply) => sendRouteNotFound(reply));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const clientError = error.statusCode !== undefined && error.statusCode < 500;
    if (clientError) {
      request.log.info({ err: error }, 'request rejected');
      return sendApiError(reply, 'unparsableBody');
    }
    request.log.error({ err: error }, 'request failed');
    return sendApiError(reply, 'internal');
  });
}

function registerApi(app: FastifyInstance, context: StandInContext): void {
  app.register(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      const apiKey = apiKeyOf(request);
      const user = apiKey === undefined ? undefined : context.catalog.findUserByKey(apiKey);
      if (!user) {
        return sendApiError(reply, 'authRequired');
      }
      setCaller(request, user);
    });
    registerContentRoutes(api, context);
    registerVariantRoutes(api, context);
    registerTaskRoutes(api, context);
  }, { prefix: '/__api__' });
}

interface RunningServer {
  app: FastifyInstance;
  tasks: TaskStore;
  renders: RenderManager;
  connections: ReturnType<typeof trackConnections>;
  /** Aborts latency faults; replaced after each restart. */
  interrupt: AbortController;
  /** Folder removed on close, when the stand-in created it. */
  ownStateDir: string | null;
}

/** Ends held polls, kills renders, closes the server and removes an own state folder. */
async function shutDown(server: RunningServer): Promise<void> {
  server.interrupt.abort();
  server.tasks.releaseWaiters();
  await server.renders.shutdown();

  const serverClosed = server.app.close();
  server.connections.drain();
  await serverClosed;
  server.tasks.dispose();

  if (server.ownStateDir !== null) {
    await rm(server.ownStateDir, { recursive: true, force: true });
  }
}

/** Restarts the stand-in in place; see StandIn.restart. */
async function restartServer(server: RunningServer): Promise<void> {
  const { connections, tasks, renders, app } = server;
  connections.refuse(true);
  server.interrupt.abort();
  server.interrupt = new AbortController();
  const reset = connections.resetAll();
  tasks.forgetAll();
  const lostRenders = await renders.abandonAll();
  await reset;
  connections.refuse(false);
  app.log.info({ lostRenders }, 'Connect stand-in restarted');
}

/**
 * Starts a local stand-in for the Posit Connect API routes that this package uses. Renders
 * run as real child processes in copies of each content item's `source` folder.
 */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const stateDir = options.stateDir ?? await mkdtemp(join(tmpdir(), 'connect-stand-in-'));
  const ownStateDir = options.stateDir === undefined ? stateDir : null;
  await mkdir(join(stateDir, 'renders'), { recursive: true });

  const app = Fastify({
    logger: options.logger ?? false,
    requestIdHeader: 'x-correlation-id',
    genReqId: () => randomUUID(),
  });
  const catalog = new Catalog(options.config);
  const faults = new StandInFaults({
    ...options.faults,
    stickyCookie: options.faults?.stickyCookie ?? options.stickyCookie ?? false,
  });
  const tasks = new TaskStore({
    retentionMs: options.taskRetentionMs ?? DEFAULT_TASK_RETENTION_MS,
    missingPolls: options.missingTaskPolls ?? 0,
  });
  const renders = new RenderManager({
    catalog, tasks, stateDir, configDir: options.configDir, faults, log: app.log,
  });
  let url = '';
  let closing: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;
  const context: StandInContext = {
    catalog,
    tasks,
    renders,
    v1Render: options.v1Render ?? true,
    faults,
    nodeId: randomAlphanumeric(16),
    baseUrl: () => url,
    isClosing: () => closing !== undefined,
  };

  const server: RunningServer = {
    app, tasks, renders, connections: trackConnections(app.server),
    interrupt: new AbortController(), ownStateDir,
  };
  configureServer(app);
  registerFaultHooks(app, faults, () => server.interrupt.signal);
  registerApi(app, context);
  registerOutputRoutes(app, context);
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 3939 });
  } catch (error) {
    if (ownStateDir !== null) {
      await rm(ownStateDir, { recursive: true, force: true });
    }
    throw error;
  }
  url = urlOf(app.server.address() as AddressInfo);
  app.log.info({ url, stateDir }, 'Connect stand-in listening');

  return {
    url,
    faults,
    restart: async () => {
      if (closing !== undefined) {
        throw new Error('The stand-in is closed or closing; it cannot restart.');
      }
      restarting ??= restartServer(server).finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
    close: () => {
      closing ??= shutDown(server);
      return closing;
    },
  };
}
