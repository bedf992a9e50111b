/**
 * Fuzzes the refresh gateway: `npm run fuzz -- [--seed N] [--count N] [--case N]...`. It starts
 * a Connect stand-in and two gateways on 127.0.0.1, sends malformed requests, and exits 1 after
 * printing every failure with its seed, request and replay command. See test/fuzz/.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from '../test/fuzz/fuzz-run.js';

const usage = `Usage: npm run fuzz -- [--seed N] [--count N] [--concurrency N] [--case N]...

Options:
  --seed N         seed of the case generator, an integer (default 1)
  --count N        number of cases to send (default 20000)
  --concurrency N  connections open at once (default 8)
  --case N         replay only case N of the seed; may be given more than once`;

function readInteger(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) {
    return fallback;
  }
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number) || number < min) {
    console.error(`Invalid --${name} ${JSON.stringify(value)}: expected an integer of at least ${min}.\n\n${usage}`);
    process.exit(2);
  }
  return number;
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    count: { type: 'string' },
    concurrency: { type: 'string' },
    case: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const seed = readInteger(values.seed, 'seed', 1, -(2 ** 31));
const count = readInteger(values.count, 'count', 20_000, 1);
const concurrency = readInteger(values.concurrency, 'concurrency', 8, 1);
const cases = values.case?.map((value) => readInteger(value, 'case', 0, 0));

let lastShown = 0;
const result = await runFuzz({
  seed,
  count,
  cases,
  concurrency,
  onProgress: (done, total) => {
    if (done - lastShown >= 5000 || done === total) {
      lastShown = done;
      process.stderr.write(`fuzz: ${done} of ${total} cases sent\n`);
    }
  },
});

const statuses = Object.entries(result.statusCounts)
  .map(([status, number]) => `${status}: ${number}`)
  .join(', ');
console.log(`Seed ${result.seed}: ${result.casesRun} cases in ${(result.durationMs / 1000).toFixed(1)} s.`);
console.log(`Responses by status: ${statuses}.`);
console.log(`Renders started by fuzz cases: ${result.rendersStarted}.`);
const held = Object.entries(result.heldPolls).map(([reason, number]) => `${reason}: ${number}`).join(', ');
console.log(`Held progress requests by release reason: ${held || 'none'}.`);
if (result.report !== '') {
  console.log(`\n${result.report}`);
  console.log(`\n${result.failures.length + result.droppedFailures} failures.`);
  process.exit(1);
}
console.log('No failures.');
