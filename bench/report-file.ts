/**
 * Writes benchmark sections into BENCHMARKS.md between the markers `<!-- bench:NAME:start -->`
 * and `<!-- bench:NAME:end -->`. A run replaces only the sections it measured. Every other
 * part of the file, such as sections that other tools write, stays as it was.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

const NEW_FILE_HEADER = `# Benchmarks

Measurements of connect-refresh against what a user would otherwise use. \`npm run bench\`
runs them all and rewrites the sections below between their markers; \`npm run bench -- --only
NAME\` runs one. Each section names the command, the machine and the date of its figures.
Most figures are ratios or differences within one run, because run-to-run noise on shared
machines is larger than many of the effects.
`;

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

/**
 * Returns `document` with the section `name` replaced by `body`, or appended at the end when
 * the document has no markers for it. Throws when only one marker exists or they are out of
 * order, because the file was then edited by hand and needs a look.
 */
export function replaceSection(document: string, name: string, body: string): string {
  const { start, end } = markers(name);
  const startIndex = document.indexOf(start);
  const endIndex = document.indexOf(end);
  const block = `${start}\n${body.trim()}\n${end}`;

  if (startIndex === -1 && endIndex === -1) {
    return `${document.trimEnd()}\n\n${block}\n`;
  }
  if (startIndex === -1 || endIndex === -1 || endIndex < startIndex) {
    throw new Error(`BENCHMARKS.md has a broken pair of markers for "${name}"; expected ${start} before ${end}.`);
  }
  return document.slice(0, startIndex) + block + document.slice(endIndex + end.length);
}

/** Writes each section into BENCHMARKS.md, creating the file with a short header if needed. */
export async function writeSections(sections: ReadonlyArray<{ name: string; body: string }>, path = BENCHMARKS_FILE): Promise<void> {
  let document: string;
  try {
    document = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
    document = NEW_FILE_HEADER;
  }
  for (const { name, body } of sections) {
    document = replaceSection(document, name, body);
  }
  await writeFile(path, document);
}
