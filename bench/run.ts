/**
 * Runs the benchmarks and writes their sections into BENCHMARKS.md.
 * Usage: npm run bench [-- --only NAME]..., with NAME one of the benchmarks below.
 */
import { parseArgs } from 'node:util';
import { runBundleBenchmark } from './bundle/bundle-benchmark.js';
import { runFanInBenchmark } from './fan-in/fan-in.js';
import { runLatencyBenchmark } from './latency/status-latency.js';
import { runLoadBenchmark } from './load/gateway-load.js';
import { runPageCostBenchmark } from './page-cost/page-cost.js';
import { writeSections } from './report-file.js';

interface Benchmark {
  name: string;
  run: () => Promise<string>;
}

const BENCHMARKS: Benchmark[] = [
  { name: 'bundle', run: runBundleBenchmark },
  { name: 'latency', run: runLatencyBenchmark },
  { name: 'fan-in', run: runFanInBenchmark },
  { name: 'load', run: runLoadBenchmark },
  { name: 'page', run: runPageCostBenchmark },
];

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
const unknown = (values.only ?? []).filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; the benchmarks are ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  process.exit(2);
}
const selected = values.only ? BENCHMARKS.filter((benchmark) => values.only!.includes(benchmark.name)) : BENCHMARKS;

for (const benchmark of selected) {
  const startedAt = Date.now();
  console.log(`\n=== ${benchmark.name}`);
  const body = await benchmark.run();
  console.log(body);
  // Each section is written as soon as it is measured, so a later failure keeps it.
  await writeSections([{ name: benchmark.name, body }]);
  console.log(`${benchmark.name}: done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}
