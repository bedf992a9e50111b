/**
 * Attributes the bytes of a minified bundle to the source modules they came from, by walking
 * the bundle's source map. Each mapped segment covers the generated text up to the next
 * segment on its line. Text that a segment without a source covers (the format's wrapper,
 * separators) counts as `(bundler output)`.
 */
import type { SourceMapJson } from './build-bundle.js';
import { gzipBytes } from './build-bundle.js';

export const UNMAPPED = '(bundler output)';

/** The bytes of one source module in a bundle. */
export interface ModuleShare {
  /** Module path relative to the repository, or a package name for node_modules. */
  module: string;
  minifiedBytes: number;
  /** Gzip size of the module's bytes compressed alone: an upper estimate of its cost. */
  gzipAloneBytes: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = new Map([...BASE64].map((char, index) => [char, index]));

/** Decodes one segment of a source map's `mappings`: base64 VLQ numbers, 5 bits per digit. */
export function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64_VALUES.get(char);
    if (digit === undefined) {
      throw new Error(`Invalid base64 digit "${char}" in source map segment "${segment}".`);
    }
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    // The lowest bit is the sign.
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/**
 * Returns a readable name for a source map source: the package name for files under
 * node_modules, else the path without the leading `../` steps.
 */
export function moduleName(source: string): string {
  const packagePath = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
  if (packagePath) {
    return packagePath[1]!;
  }
  return source.replace(/^(\.\.\/)+/, '');
}

/**
 * Returns the bytes of `code` per source module, largest first. Columns in source maps count
 * UTF-16 code units, so the text is sliced as a JS string and each slice measured in UTF-8.
 */
export function moduleSizes(code: string, map: SourceMapJson): ModuleShare[] {
  const texts = new Map<string, string[]>();
  const add = (module: string, text: string) => {
    const list = texts.get(module) ?? [];
    list.push(text);
    texts.set(module, list);
  };

  // A multi-line template literal, such as a stylesheet, leaves its inner lines without
  // segments, so text before a line's first segment continues the previous segment's module.
  let current = UNMAPPED;
  let sourceIndex = 0;
  const mappingLines = map.mappings.split(';');
  code.split('\n').forEach((line, lineIndex) => {
    const starts: Array<{ column: number; module: string }> = [];
    let column = 0;
    for (const segment of (mappingLines[lineIndex] ?? '').split(',')) {
      if (segment === '') {
        continue;
      }
      const fields = decodeSegment(segment);
      column += fields[0]!;
      if (fields.length >= 4) {
        sourceIndex += fields[1]!;
        starts.push({ column, module: moduleName(map.sources[sourceIndex] ?? UNMAPPED) });
      } else {
        starts.push({ column, module: UNMAPPED });
      }
    }
    const textBefore = lineIndex === 0 ? '' : '\n';
    add(current, textBefore + line.slice(0, starts[0]?.column ?? line.length));
    starts.forEach((start, index) => {
      add(start.module, line.slice(start.column, starts[index + 1]?.column ?? line.length));
      current = start.module;
    });
  });

  return [...texts.entries()]
    .map(([module, parts]) => {
      const text = parts.join('');
      return { module, minifiedBytes: Buffer.byteLength(text), gzipAloneBytes: gzipBytes(text) };
    })
    .sort((a, b) => b.minifiedBytes - a.minifiedBytes);
}
