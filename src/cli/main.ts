#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { CommandError, exitCodeTable } from './exit-codes.js';
import { gatewayUsage, runGateway } from './gateway-command.js';
import { UsageError } from './options.js';
import { suggestOptions } from './parse-options.js';
import { tolerateClosedOutput } from './output-streams.js';
import { renderUsage, runRender } from './render-command.js';
import { runStandIn, standInUsage } from './stand-in-command.js';
import { runStatus, statusUsage } from './status-command.js';

const usage = `Usage: connect-refresh <command> [options]

Commands:
  render     render a report on Posit Connect and wait for it, for schedulers and scripts
  status     show when a report last rendered, whether it renders now, and recent durations
  gateway    start the refresh gateway in front of Posit Connect
  stand-in   start a local stand-in for Posit Connect's API

Run "connect-refresh <command> --help" for the options of a command.

Exit status of render and status:
${exitCodeTable}`;

/** A command; `run` resolves with its exit status, or with nothing for status 0. */
interface Command {
  usage: string;
  run: (args: string[]) => Promise<number | void>;
}

const commands: Record<string, Command> = {
  render: { usage: renderUsage, run: (args) => runRender(args, process.env) },
  status: { usage: statusUsage, run: (args) => runStatus(args, process.env) },
  gateway: { usage: gatewayUsage, run: (args) => runGateway(args, process.env) },
  'stand-in': { usage: standInUsage, run: runStandIn },
};

/** Runs the command line and resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    console.error(usage);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    const close = suggestOptions(name, Object.keys(commands));
    const hint = close.length === 0 ? '' : ` Did you mean ${close.join(' or ')}?`;
    console.error(`connect-refresh: Unknown command "${name}".${hint}\n\n${usage}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return (await command.run(args)) ?? 0;
  } catch (error) {
    return reportError(error, name);
  }
}

/** Prints a failure without its stack unless it is a bug, and picks the exit status. */
function reportError(error: unknown, commandName: string): number {
  const message = error instanceof Error ? error.message : String(error);
  const isUsage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  const isConfig = error instanceof Error && /Config/.test(error.name);
  if (error instanceof CommandError) {
    console.error(`connect-refresh: ${message}`);
    return error.exitCode;
  }
  if (isUsage) {
    console.error(`connect-refresh: ${message}\nRun 'connect-refresh ${commandName} --help' for usage.`);
    return 2;
  }
  if (isConfig) {
    console.error(`connect-refresh: ${message}`);
    return 2;
  }
  console.error('connect-refresh:', error);
  return 1;
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  tolerateClosedOutput();
  main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
