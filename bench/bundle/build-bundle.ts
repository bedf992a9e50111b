/**
 * Builds an entry module into the two drop-in formats with the options of the element's own
 * build in vite.config.ts (ES module and classic script, target es2022, fully minified, Lit
 * inside), in memory, and measures the results.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/** The two drop-in formats: `es` for `<script type="module">`, `iife` for a classic script. */
export type BundleFormat = 'es' | 'iife';

export const BUNDLE_FORMATS: readonly BundleFormat[] = ['es', 'iife'];

/** A built bundle: its minified code and the source map that attributes it to modules. */
export interface BuiltBundle {
  format: BundleFormat;
  code: string;
  map: SourceMapJson;
}

/** The fields of a version 3 source map that the module breakdown reads. */
export interface SourceMapJson {
  /** Source paths; '' where the bundler gave none. */
  sources: string[];
  mappings: string;
}

/** Sizes of one bundle in bytes. */
export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
}

/**
 * Returns the gzip size of `code` at compression level 9, the level that static hosts and
 * CDNs commonly use for pre-compressed scripts.
 */
export function gzipBytes(code: string | Buffer): number {
  return gzipSync(code, { level: 9 }).length;
}

export function measureBundle(code: string | Buffer): BundleSize {
  return { minifiedBytes: Buffer.byteLength(code), gzipBytes: gzipBytes(code) };
}

/**
 * Builds `entry` (a path relative to `root`) as the element's bundles are built, without
 * writing files. Bare imports resolve from `root`'s node_modules.
 */
export async function buildBundles(entry: string, root: string): Promise<BuiltBundle[]> {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: {
      target: 'es2022',
      write: false,
      sourcemap: true,
      lib: {
        entry,
        name: 'BenchBundle',
        formats: [...BUNDLE_FORMATS],
        fileName: (format) => `bundle.${format}.js`,
      },
      rolldownOptions: { output: { minify: true } },
    },
  });

  const outputs = Array.isArray(result) ? result : [result];
  const bundles: BuiltBundle[] = [];
  for (const output of outputs) {
    if (!('output' in output)) {
      throw new Error(`Building ${entry} returned a watcher instead of bundles.`);
    }
    for (const file of output.output) {
      if (file.type !== 'chunk' || file.map === null) {
        continue;
      }
      const format: BundleFormat = file.fileName.endsWith('.iife.js') ? 'iife' : 'es';
      const sources = file.map.sources.map((source) => source ?? '');
      bundles.push({ format, code: file.code, map: { sources, mappings: file.map.mappings } });
    }
  }
  if (bundles.length !== BUNDLE_FORMATS.length) {
    throw new Error(`Building ${entry} produced ${bundles.length} bundles, expected ${BUNDLE_FORMATS.length}.`);
  }
  return bundles;
}
