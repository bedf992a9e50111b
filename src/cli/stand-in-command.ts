import { parseArgs } from 'node:util';
import { loadStandInConfig, startStandIn } from '../stand-in/index.js';
import { listenOrExplain, loadConfigFile, parseLogLevel, parsePort, UsageError } from './options.js';
import { waitForStopSignal } from './signals.js';

export const standInUsage = `Usage: connect-refresh stand-in --config FILE [--host HOST] [--port PORT]

Starts a local stand-in for the part of Posit Connect's API that connect-refresh uses. It
runs real renders: R Markdown files with Rscript, or the command a content item names.

Options:
  --config FILE       JSON file with the users, API keys and content to serve (required)
  --host HOST         address to listen on (default 127.0.0.1)
  --port PORT         port to listen on (default 3939, Connect's own; 0 picks a free one)
  --state-dir DIR     folder for render working copies (default a new temporary folder)
  --no-v1-render      answer POST /v1/content/{guid}/render with 404, as older Connect does
  --log-level LEVEL   fatal, error, warn, info, debug or trace (default info)`;

/** Runs `connect-refresh stand-in` until SIGINT or SIGTERM. */
export async function runStandIn(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3939' },
      'state-dir': { type: 'string' },
      'no-v1-render': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  if (!values.config) throw new UsageError('Missing --config FILE: the stand-in needs a config file.');

  const logLevel = parseLogLevel(values['log-level']);
  const port = parsePort(values.port, '--port');
  const { config, configDir } = await loadConfigFile(values.config, loadStandInConfig);
  const standIn = await listenOrExplain(values.host, port, () => startStandIn({
    config,
    configDir,
    stateDir: values['state-dir'],
    host: values.host,
    port,
    v1Render: !values['no-v1-render'],
    logger: { level: logLevel },
  }));
  console.error(`connect-refresh: Connect stand-in listening at ${standIn.url}, serving ${config.content.length} ` +
    'content items');

  const signal = await waitForStopSignal();
  await standIn.close();
  console.error(`connect-refresh: Connect stand-in stopped (${signal})`);
}
