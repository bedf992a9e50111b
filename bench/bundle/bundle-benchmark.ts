/**
 * Bundle size: the element's drop-in bundles against Lit's floor and against the same visible
 * parts assembled from Shoelace, all minified and gzip-compressed the same way, with the
 * biggest contributors per source module and the size budget of the test suite.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from '../machine.js';
import { formatCount, markdownTable, verdict } from '../stats.js';
import { buildBundles, measureBundle, type BundleFormat, type BundleSize } from './build-bundle.js';
import { moduleSizes, UNMAPPED, type ModuleShare } from './module-sizes.js';
import {
  compareWithBudget,
  describeBudgetResult,
  ELEMENT_BUNDLES,
  formatKilobytes,
  readSizeBudget,
} from './size-budget.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const SHOELACE_THEME = 'node_modules/@shoelace-style/shoelace/dist/themes/light.css';
/** Rows of the contributor table; the rest are summed in one row. */
const TOP_MODULES = 20;

async function readDist(file: string): Promise<Buffer> {
  try {
    return await readFile(join(repoDir, 'dist/browser', file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`dist/browser/${file} is missing; run \`npm run build\` first.`, { cause: error });
    }
    throw error;
  }
}

async function fixtureSizes(entry: string): Promise<Record<BundleFormat, BundleSize>> {
  const bundles = await buildBundles(entry, repoDir);
  const sizes = {} as Record<BundleFormat, BundleSize>;
  for (const bundle of bundles) {
    sizes[bundle.format] = measureBundle(bundle.code);
  }
  return sizes;
}

function isLitModule(module: string): boolean {
  return ['lit', 'lit-html', 'lit-element', '@lit/reactive-element'].includes(module);
}

function contributorTable(shares: ModuleShare[], totalBytes: number): string {
  const percent = (bytes: number) => `${((100 * bytes) / totalBytes).toFixed(1)}%`;
  const rows = shares.slice(0, TOP_MODULES).map((share) => [
    `\`${share.module}\``,
    formatCount(share.minifiedBytes),
    percent(share.minifiedBytes),
    formatCount(share.gzipAloneBytes),
  ]);
  const rest = shares.slice(TOP_MODULES);
  const restBytes = rest.reduce((sum, share) => sum + share.minifiedBytes, 0);
  rows.push([`${rest.length} other modules`, formatCount(restBytes), percent(restBytes), '']);
  return markdownTable(['source module', 'minified bytes', 'share', 'gzip alone, bytes'], rows);
}

/** Runs the bundle benchmark and returns its BENCHMARKS.md section. */
export async function runBundleBenchmark(): Promise<string> {
  const element: Record<BundleFormat, BundleSize> = { es: { minifiedBytes: 0, gzipBytes: 0 }, iife: { minifiedBytes: 0, gzipBytes: 0 } };
  for (const { file, format } of ELEMENT_BUNDLES) {
    element[format] = measureBundle(await readDist(file));
  }
  const floor = await fixtureSizes('bench/bundle/fixtures/lit-floor.ts');
  const shoelace = await fixtureSizes('bench/bundle/fixtures/shoelace-assembly.ts');
  const theme = measureBundle(await readFile(join(repoDir, SHOELACE_THEME)));

  const esCode = (await readDist('connect-refresh-button.js')).toString('utf8');
  const esMap = JSON.parse((await readDist('connect-refresh-button.js.map')).toString('utf8'));
  const shares = moduleSizes(esCode, esMap);
  const litBytes = shares.filter((share) => isLitModule(share.module)).reduce((sum, share) => sum + share.minifiedBytes, 0);
  const ownBytes = shares.filter((share) => share.module.startsWith('src/')).reduce((sum, share) => sum + share.minifiedBytes, 0);
  const wrapperBytes = shares.find((share) => share.module === UNMAPPED)?.minifiedBytes ?? 0;

  const budget = await readSizeBudget();
  const budgetResults = compareWithBudget(
    budget,
    Object.fromEntries(ELEMENT_BUNDLES.map(({ file, format }) => [file, element[format].gzipBytes])),
    { es: floor.es.gzipBytes, iife: floor.iife.gzipBytes },
  );

  const row = (name: string, format: BundleFormat, size: BundleSize) => [
    name,
    format === 'es' ? 'ES module' : 'classic',
    formatCount(size.minifiedBytes),
    formatCount(size.gzipBytes),
    `${formatCount(size.gzipBytes - floor[format].gzipBytes)} (${formatKilobytes(size.gzipBytes - floor[format].gzipBytes)})`,
  ];
  const sizeTable = markdownTable(
    ['bundle', 'format', 'minified bytes', 'gzip bytes', 'gzip over Lit\'s floor'],
    [
      ...(['es', 'iife'] as const).map((format) => row('connect-refresh-button (dist/browser)', format, element[format])),
      ...(['es', 'iife'] as const).map((format) => row('Lit\'s floor: one minimal Lit element', format, floor[format])),
      ...(['es', 'iife'] as const).map((format) => row('Shoelace 2.20.1: button, spinner, progress bar, relative time', format, shoelace[format])),
      ['Shoelace light theme stylesheet, which its components need for their look', 'CSS', formatCount(theme.minifiedBytes), formatCount(theme.gzipBytes), ''],
    ],
  );

  const targetMet = budgetResults.every((result) => result.overTargetBytes <= 0);
  const worstGap = Math.max(...budgetResults.map((result) => result.overTargetBytes));
  const shoelaceRatio = element.es.gzipBytes / shoelace.es.gzipBytes;

  return `## Bundle size

Command: \`npm run bench -- --only bundle\` (bench/bundle/bundle-benchmark.ts).
Machine: ${describeMachine()}.

The element's sizes are those of the files that \`npm run build\` wrote
to dist/browser. The other bundles are built by bench/bundle/build-bundle.ts with the options
of vite.config.ts (target es2022, ES module and classic script, fully minified, Lit inside).
Gzip is level 9, and 1 KB is 1,024 bytes.

${sizeTable}

**Target: at most 4 KB (4,096 bytes) gzip over Lit's floor: ${verdict(targetMet)}.**
In its larger format the element is ${formatCount(worstGap)} bytes (${formatKilobytes(worstGap)})
above the target. It is ${shoelaceRatio.toFixed(2)} times the gzip size of the Shoelace
assembly, which has no gateway client, polling, messages or state and so is a lower bound
for the same features. With Shoelace's theme stylesheet the assembly is
${formatCount(shoelace.es.gzipBytes + theme.gzipBytes)} bytes. Lit's floor and the element share
Lit, so the element's own code costs about ${formatCount(element.es.gzipBytes - floor.es.gzipBytes)} bytes
gzip. Meeting the target means cutting about
${(100 * (1 - budget.targetOverLitFloorBytes / (element.es.gzipBytes - floor.es.gzipBytes))).toFixed(0)}% of that,
which no single module below can provide: the element's own modules are spread over
${formatCount(shares.filter((share) => share.module.startsWith('src/')).length)} files.

### Size budget in \`npm test\`

test/bundle/size-budget.test.ts fails when a bundle in dist/browser exceeds its ceiling in
bench/size-budget.json (the size when the ceiling was last set, plus 1,536 bytes). Its output:

${budgetResults.map((result) => `- ${describeBudgetResult(result)}`).join('\n')}

### Where the ES bundle's bytes come from

Minified bytes per source module, read from the bundle's source map
(bench/bundle/module-sizes.ts). Gzip works across module borders, so a module's gzip size
alone overstates its share of the compressed bundle; the minified share is the better guide.
Of ${formatCount(element.es.minifiedBytes)} minified bytes, Lit's packages take ${formatCount(litBytes)}
(${((100 * litBytes) / element.es.minifiedBytes).toFixed(0)}%), the element's own modules ${formatCount(ownBytes)}
(${((100 * ownBytes) / element.es.minifiedBytes).toFixed(0)}%), and the bundler's wrapper and separators ${formatCount(wrapperBytes)}.

${contributorTable(shares, element.es.minifiedBytes)}
`;
}
