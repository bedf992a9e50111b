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

/** Modules that the refresh controller imports for parts that not every page uses. */
const CONTROLLER_EXTRAS = [
  'src/element/token-store.ts',
  'src/element/render-cancel.ts',
  'src/element/tab-sync.ts',
  'src/element/tab-messages.ts',
  'src/element/log-progress.ts',
  'src/element/render-estimate.ts',
  'src/element/recent-durations.ts',
];

interface FixtureResult {
  sizes: Record<BundleFormat, BundleSize>;
  /** Minified bytes per source module of the ES bundle. */
  shares: ModuleShare[];
}

async function buildFixture(entry: string): Promise<FixtureResult> {
  const bundles = await buildBundles(entry, repoDir);
  const sizes = {} as Record<BundleFormat, BundleSize>;
  let shares: ModuleShare[] = [];
  for (const bundle of bundles) {
    sizes[bundle.format] = measureBundle(bundle.code);
    if (bundle.format === 'es') {
      shares = moduleSizes(bundle.code, bundle.map);
    }
  }
  return { sizes, shares };
}

async function fixtureSizes(entry: string): Promise<Record<BundleFormat, BundleSize>> {
  return (await buildFixture(entry)).sizes;
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
  const lookAndWords = await fixtureSizes('bench/bundle/fixtures/look-and-words.ts');
  const coreBuild = await buildFixture('bench/bundle/fixtures/refresh-core.ts');
  const core = coreBuild.sizes;
  const coreOwnBytes = coreBuild.shares
    .filter((share) => share.module.startsWith('src/'))
    .reduce((sum, share) => sum + share.minifiedBytes, 0);
  const extraBytes = coreBuild.shares
    .filter((share) => CONTROLLER_EXTRAS.includes(share.module))
    .reduce((sum, share) => sum + share.minifiedBytes, 0);
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
      ...(['es', 'iife'] as const).map((format) => row('the element\'s stylesheet and English messages in a minimal Lit element', format, lookAndWords[format])),
      ...(['es', 'iife'] as const).map((format) => row('the same with the element\'s refresh controller, status line and message', format, core[format])),
      ...(['es', 'iife'] as const).map((format) => row('Shoelace 2.20.1: button, spinner, progress bar, relative time', format, shoelace[format])),
      ['Shoelace light theme stylesheet, which its components need for their look', 'CSS', formatCount(theme.minifiedBytes), formatCount(theme.gzipBytes), ''],
    ],
  );

  const targetMet = budgetResults.every((result) => result.overTargetBytes <= 0);
  const worstGap = Math.max(...budgetResults.map((result) => result.overTargetBytes));
  const shoelaceRatio = element.es.gzipBytes / shoelace.es.gzipBytes;
  const overFloor = (sizes: Record<BundleFormat, BundleSize>) => sizes.es.gzipBytes - floor.es.gzipBytes;
  const share = (sizes: Record<BundleFormat, BundleSize>) =>
    `${((100 * overFloor(sizes)) / budget.targetOverLitFloorBytes).toFixed(0)}%`;

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
${formatCount(shoelace.es.gzipBytes + theme.gzipBytes)} bytes.

The two rows between them show how much of the element any smaller build would keep
(bench/bundle/fixtures). The element's stylesheet and English messages alone cost
${formatCount(overFloor(lookAndWords))} bytes over Lit's floor, ${share(lookAndWords)} of the 4 KB.
With the refresh controller, which reads the status, starts refreshes, long-polls the render,
recovers from outages, keeps cooldowns and shares requests between elements, and the
templates of the status line and the message, the cost is ${formatCount(overFloor(core))} bytes,
${(overFloor(core) / budget.targetOverLitFloorBytes).toFixed(1)} times the 4 KB, before the
element's class and the parts that attributes turn on (confirm question, cancel control,
notifications, recent renders, render log, Shiny bridge). The class and those parts are the
remaining ${formatCount(element.es.gzipBytes - core.es.gzipBytes)} bytes of the element. With
all of those parts loaded on demand and a class of no size, the drop-in file would still miss
the target by about ${formatCount(overFloor(core) - budget.targetOverLitFloorBytes)} bytes.
The controller's own imports hold a few more parts that not every page needs (token provider,
cancel request, tab sync, log progress, duration estimate): ${formatCount(extraBytes)} of its
${formatCount(coreOwnBytes)} minified bytes of the element's code. At the same share of its gzip
bytes over the floor, the core without them would still be about
${(((1 - extraBytes / coreOwnBytes) * overFloor(core)) / budget.targetOverLitFloorBytes).toFixed(1)} times the 4 KB.
The target can be met only by a button that leaves out behavior that the element has today,
such as its recovery from outages or its texts, not by moving code between files.

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
