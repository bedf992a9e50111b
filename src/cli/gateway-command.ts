import { loadGatewayConfig, readConnectEnv, startGateway } from '../gateway/index.js';
import { listenOrExplain, loadConfigFile, parseLogLevel, parsePort, UsageError } from './options.js';
import { parseOptions } from './parse-options.js';
import { waitForStopSignal } from './signals.js';

export const gatewayUsage = `Usage: connect-refresh gateway --config FILE [--host HOST] [--port PORT]
       [--log-level LEVEL]

Starts the refresh gateway. It renders only the reports that the config file names and
reads the Connect server and API key from the environment.

Options:
  --config FILE     JSON file that maps report names to Connect content GUIDs (required)
  --host HOST       address to listen on (default 127.0.0.1)
  --port PORT       port to listen on (default 8787; 0 picks a free one)
  --log-level LEVEL lowest level of the JSON log lines on standard output: fatal, error,
                    warn, info, debug or trace, or silent for none (default info)

Environment:
  CONNECT_SERVER    Connect's address, e.g. https://connect.example.com
  CONNECT_API_KEY   API key of a Connect user who may render the reports
  CONNECT_REFRESH_HANDLE_SECRET
                    secret of at least 32 bytes that signs render handles; set the same
                    value on every replica so that handles survive restarts (default: a
                    random secret made at start)
  CONNECT_REFRESH_REDIS_PASSWORD
                    password of the Redis that the config's redis.url names, so that it
                    stays out of the config file (default: the URL's password, if any)
  The variable that auth.jwt.secret_env names holds the secret of HS256 user tokens.`;

/** Runs `connect-refresh gateway` until SIGINT or SIGTERM. */
export async function runGateway(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseOptions({
    args,
    options: {
      config: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8787' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  if (!values.config) throw new UsageError('Missing --config FILE: the gateway needs a config file.');

  const logLevel = parseLogLevel(values['log-level']);
  const port = parsePort(values.port, '--port');
  const config = await loadConfigFile(values.config, (path) => loadGatewayConfig(path, env));
  const connect = readConnectEnv(env);
  const gateway = await listenOrExplain(values.host, port, () => startGateway({
    config,
    connect,
    env,
    handleSecret: env.CONNECT_REFRESH_HANDLE_SECRET,
    host: values.host,
    port,
    logger: { level: logLevel },
    checkConnectAtStart: true,
  }));
  const reports = Object.keys(config.reports).join(', ');
  console.error(`connect-refresh: Gateway listening at ${gateway.url}, rendering ${reports} on ${connect.server}`);

  const signal = await waitForStopSignal();
  await gateway.close();
  console.error(`connect-refresh: Gateway stopped (${signal})`);
}
