import { loadStandInConfig, startStandIn, type StandIn } from '../stand-in/index.js';
import { faultSettingsFromFlags, hasFaultFlags } from './fault-options.js';
import { applyFaultsFile, describeFaults } from './faults-file-watch.js';
import { listenOrExplain, loadConfigFile, parseLogLevel, parsePort, UsageError } from './options.js';
import { parseOptions } from './parse-options.js';
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
  --log-level LEVEL   lowest level of the JSON log lines on standard output: fatal, error,
                      warn, info, debug or trace, or silent for none (default info)

Faults, for testing clients against a failing Connect:
  --fault SPEC        inject a request fault; SPEC is field=value pairs separated by commas,
                      e.g. kind=error,status=503,path=/__api__/v1/tasks/*,times=2 (repeatable;
                      kinds: latency, error, rate-limit, reset, drop; see the README)
  --sticky-cookie     act as clustered Connect: task polls need the render response's cookie
  --hang GUID         renders of this content never finish until the fault is removed
                      (repeatable)
  --faults-file FILE  JSON file with every fault, read at start, again whenever it changes,
                      and on SIGHUP; not allowed together with the three options above

Signals:
  SIGUSR2             restart: forget every task and kill running renders, as a Connect
                      restart does; jobs and renderings stay`;

/** Restarts the stand-in on each SIGUSR2; returns a function that stops listening. */
function restartOnSignal(standIn: StandIn): () => void {
  const onSignal = () => {
    standIn.restart().then(
      () => console.error('connect-refresh: Connect stand-in restarted (SIGUSR2)'),
      (error: unknown) => console.error(`connect-refresh: Restart failed: ${String(error)}`),
    );
  };
  process.on('SIGUSR2', onSignal);
  return () => process.off('SIGUSR2', onSignal);
}

/** Runs `connect-refresh stand-in` until SIGINT or SIGTERM. */
export async function runStandIn(args: string[]): Promise<void> {
  const { values } = parseOptions({
    args,
    options: {
      config: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3939' },
      'state-dir': { type: 'string' },
      'no-v1-render': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      fault: { type: 'string', multiple: true },
      'sticky-cookie': { type: 'boolean', default: false },
      hang: { type: 'string', multiple: true },
      'faults-file': { type: 'string' },
    },
  });
  if (!values.config) throw new UsageError('Missing --config FILE: the stand-in needs a config file.');
  const faultsFile = values['faults-file'];
  if (faultsFile !== undefined && hasFaultFlags(values)) {
    throw new UsageError('--faults-file sets every fault, so it cannot be combined with --fault, '
      + '--sticky-cookie or --hang; put those faults into the file.');
  }

  const logLevel = parseLogLevel(values['log-level']);
  const port = parsePort(values.port, '--port');
  const faults = faultSettingsFromFlags(values);
  const { config, configDir } = await loadConfigFile(values.config, loadStandInConfig);
  const standIn = await listenOrExplain(values.host, port, () => startStandIn({
    config,
    configDir,
    stateDir: values['state-dir'],
    host: values.host,
    port,
    v1Render: !values['no-v1-render'],
    faults,
    logger: { level: logLevel },
  }));
  let stopWatching = () => {};
  try {
    if (faultsFile !== undefined) {
      stopWatching = await applyFaultsFile(standIn, faultsFile);
    }
  } catch (error) {
    await standIn.close();
    throw error;
  }
  const stopRestarting = restartOnSignal(standIn);
  console.error(`connect-refresh: Connect stand-in listening at ${standIn.url}, serving ${config.content.length} ` +
    'content items');
  if (faultsFile !== undefined || hasFaultFlags(values)) {
    console.error(`connect-refresh: Faults in force: ${describeFaults(standIn)}`);
  }

  const signal = await waitForStopSignal();
  stopWatching();
  stopRestarting();
  await standIn.close();
  console.error(`connect-refresh: Connect stand-in stopped (${signal})`);
}
