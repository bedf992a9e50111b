/**
 * Soaks the gateway: `npm run soak -- [--minutes N] [--clients N] [--no-faults]`. Simulated
 * clients click and follow renders through a gateway child process in front of a Connect
 * stand-in, all on 127.0.0.1, while the stand-in's faults switch on and off. It prints a
 * Markdown report and exits 1 when a client was stuck or the gateway exited.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatSoakReport } from './soak/soak-report.js';
import { runSoak } from './soak/soak-run.js';

const usage = `Usage: npm run soak -- [options]

Options:
  --minutes N         minutes during which clients click (default 10)
  --clients N         number of simulated clients (default 300)
  --seed N            seed of the clients' random pauses (default 1)
  --no-faults         leave the stand-in's faults off
  --drain-seconds N   seconds after the last click for renders in flight to end (default 120)
  --stuck-seconds N   seconds after a click after which its render counts as stuck (default 300)
  --fault-window-seconds N
                      seconds of each fault phase, on for the first half (default 60)
  --out FILE          also write the report to FILE`;

function readInteger(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) {
    return fallback;
  }
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min) {
    console.error(`Invalid --${name} ${JSON.stringify(value)}: expected a whole number of at least ${min}.\n\n${usage}`);
    process.exit(2);
  }
  return number;
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    clients: { type: 'string' },
    seed: { type: 'string' },
    'no-faults': { type: 'boolean', default: false },
    'drain-seconds': { type: 'string' },
    'stuck-seconds': { type: 'string' },
    'fault-window-seconds': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const result = await runSoak({
  minutes: readInteger(values.minutes, 'minutes', 10, 1),
  clients: readInteger(values.clients, 'clients', 300, 1),
  seed: readInteger(values.seed, 'seed', 1, 0),
  faults: !values['no-faults'],
  drainSeconds: readInteger(values['drain-seconds'], 'drain-seconds', 120, 0),
  stuckSeconds: readInteger(values['stuck-seconds'], 'stuck-seconds', 300, 1),
  thinkSeconds: [10, 60],
  sampleSeconds: 10,
  faultWindowSeconds: readInteger(values['fault-window-seconds'], 'fault-window-seconds', 60, 2),
  onProgress: (line) => console.error(line),
});

const command = ['npm run soak', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const report = formatSoakReport(result, command);
console.log(report);
if (values.out !== undefined) {
  await writeFile(values.out, `${report}\n`);
}
process.exit(result.stats.stuck > 0 || result.gatewayExit !== null ? 1 : 0);
