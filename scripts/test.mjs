// Runs every check and test suite of the package, then prints one line that totals them:
// `total: N passed, N failed, N skipped`. Usage: node scripts/test.mjs [--only STEP]...
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });

function testFiles(...folders) {
  return folders.flatMap((folder) =>
    readdirSync(folder, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.test.ts'))
      .sort()
      .map((name) => join(folder, name)),
  );
}

const nodeTest = (folders) => ['node', ['--import', 'tsx', '--test', '--test-reporter=spec', ...testFiles(...folders)]];

/** Each step: a name, a command, and how to read its pass/fail counts from the output. */
const steps = [
  { name: 'setup', command: ['bash', ['scripts/setup-system.sh']] },
  { name: 'typecheck', command: ['npx', ['tsc', '--noEmit', '-p', '.']] },
  { name: 'lint', command: ['npm', ['run', '-s', 'lint']] },
  { name: 'build', command: ['npm', ['run', '-s', 'build']] },
  { name: 'docs', command: ['node', ['scripts/api-table.mjs', '--check']] },
  {
    name: 'node',
    command: nodeTest(['test/architecture', 'test/bundle', 'test/connect', 'test/stand-in', 'test/gateway', 'test/cli', 'test/fuzz']),
    counts: nodeCounts,
  },
  { name: 'element', command: ['npx', ['wtr']], counts: wtrCounts },
  { name: 'e2e', command: nodeTest(['test/e2e']), counts: nodeCounts },
];

const ANSI_ESCAPE = new RegExp(String.raw`\u001b\[[0-9;]*[A-Za-z]`, 'g');

function stripAnsi(text) {
  return text.replace(ANSI_ESCAPE, '');
}

function nodeCounts(output) {
  const read = (label) => Number(output.match(new RegExp(`^ℹ ${label} (\\d+)$`, 'm'))?.[1] ?? NaN);
  return { passed: read('pass'), failed: read('fail') + read('cancelled'), skipped: read('skipped') + read('todo') };
}

function wtrCounts(output) {
  const all = [...output.matchAll(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/g)];
  const last = all.at(-1);
  if (!last) return { passed: NaN, failed: NaN, skipped: 0 };
  return { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
}

function run(step) {
  const [command, args] = step.command;
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (stream, target) =>
      stream.on('data', (chunk) => {
        target.write(chunk);
        output += chunk;
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output: stripAnsi(output) }));
  });
}

const selected = values.only ? steps.filter((step) => values.only.includes(step.name)) : steps;
const unknown = (values.only ?? []).filter((name) => !steps.some((step) => step.name === name));
if (unknown.length > 0) {
  console.error(`Unknown step ${unknown.join(', ')}; the steps are ${steps.map((s) => s.name).join(', ')}.`);
  process.exit(2);
}

const total = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
for (const step of selected) {
  console.log(`\n=== ${step.name}`);
  const { code, output } = await run(step);
  // A check without test counts (typecheck, lint, build, docs) counts as one test. A runner
  // that failed without counting a failure counts as one failed test, so that the total never
  // hides a broken step.
  const counts = step.counts ? step.counts(output) : { passed: code === 0 ? 1 : 0, failed: 0, skipped: 0 };
  if (Number.isNaN(counts.passed) || Number.isNaN(counts.failed)) {
    console.log(`${step.name}: no test summary found in the output`);
    counts.passed = 0;
    counts.failed = 0;
  }
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += Number.isNaN(counts.skipped) ? 0 : counts.skipped;
  if (code !== 0) failedSteps.push(`${step.name} (exit ${code})`);
  if (code !== 0 && step.name === 'setup') break;
}

console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
