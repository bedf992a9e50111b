/**
 * The size budget of the drop-in bundles. Each bundle in dist/browser, which `npm run build`
 * writes and `npm test` builds before this suite, must stay within its gzip ceiling in
 * bench/size-budget.json. The output also shows the target over Lit's floor and the gap.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildBundles, gzipBytes, type BundleFormat } from '../../bench/bundle/build-bundle.js';
import {
  compareWithBudget,
  describeBudgetResult,
  ELEMENT_BUNDLES,
  readSizeBudget,
  type SizeBudget,
} from '../../bench/bundle/size-budget.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const LIT_FLOOR_ENTRY = 'bench/bundle/fixtures/lit-floor.ts';

const BUDGET: SizeBudget = {
  maxGzipBytes: { 'connect-refresh-button.js': 1000, 'connect-refresh-button.iife.js': 1000 },
  targetOverLitFloorBytes: 100,
};
const FLOOR: Record<BundleFormat, number> = { es: 500, iife: 490 };

async function readBundle(file: string): Promise<Buffer> {
  try {
    return await readFile(join(repoDir, 'dist/browser', file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      assert.fail(`dist/browser/${file} is missing; run \`npm run build\` first.`);
    }
    throw error;
  }
}

async function litFloorGzipBytes(): Promise<Record<BundleFormat, number>> {
  const bundles = await buildBundles(LIT_FLOOR_ENTRY, repoDir);
  const sizes = { es: 0, iife: 0 };
  for (const bundle of bundles) {
    sizes[bundle.format] = gzipBytes(bundle.code);
  }
  return sizes;
}

describe('bundle size budget', () => {
  it('passes a bundle at its ceiling', () => {
    const sizes = { 'connect-refresh-button.js': 1000, 'connect-refresh-button.iife.js': 400 };
    const [es, iife] = compareWithBudget(BUDGET, sizes, FLOOR);

    assert.equal(es!.overCeilingBytes, 0);
    assert.equal(iife!.overCeilingBytes, -600);
  });

  it('fails a bundle one byte over', () => {
    const sizes = { 'connect-refresh-button.js': 1001, 'connect-refresh-button.iife.js': 1000 };
    const [es] = compareWithBudget(BUDGET, sizes, FLOOR);

    assert.equal(es!.overCeilingBytes, 1);
    assert.match(describeBudgetResult(es!), /1 bytes over its ceiling of 1000/);
  });

  it('measures the target per format', () => {
    const sizes = { 'connect-refresh-button.js': 700, 'connect-refresh-button.iife.js': 550 };
    const [es, iife] = compareWithBudget(BUDGET, sizes, FLOOR);

    assert.equal(es!.targetGzipBytes, 600);
    assert.equal(es!.overTargetBytes, 100);
    assert.equal(iife!.targetGzipBytes, 590);
    assert.equal(iife!.overTargetBytes, -40);
  });

  it('rejects a budget file without a ceiling', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'size-budget-'));
    try {
      const path = join(dir, 'size-budget.json');
      await writeFile(path, JSON.stringify({
        max_gzip_bytes: { 'connect-refresh-button.js': 1000 },
        target_over_lit_floor_gzip_bytes: 4096,
      }));
      await assert.rejects(readSizeBudget(path), /max_gzip_bytes\["connect-refresh-button\.iife\.js"\] is undefined/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps dist bundles within their ceilings', async (t) => {
    const budget = await readSizeBudget();
    const sizes: Record<string, number> = {};
    for (const { file } of ELEMENT_BUNDLES) {
      sizes[file] = gzipBytes(await readBundle(file));
    }
    const results = compareWithBudget(budget, sizes, await litFloorGzipBytes());

    for (const result of results) {
      t.diagnostic(describeBudgetResult(result));
    }
    for (const result of results) {
      assert.ok(
        result.overCeilingBytes <= 0,
        `${describeBudgetResult(result)} Shrink the bundle, or raise its ceiling in ` +
          'bench/size-budget.json and say why in the commit.',
      );
    }
  });
});
