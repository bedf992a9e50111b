import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

interface ImportRecord {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function sourceFiles(part: string): string[] {
  const dir = join(srcDir, part);
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

/** Lists the module specifiers of every import and re-export in the part's files. */
function importsOf(part: string): ImportRecord[] {
  return sourceFiles(part).flatMap((file) => {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    const records: ImportRecord[] = [];
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const typeOnly = statement.importClause?.isTypeOnly ?? false;
        records.push({ file, specifier: statement.moduleSpecifier.text, typeOnly });
      }
      if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        records.push({ file, specifier: statement.moduleSpecifier.text, typeOnly: statement.isTypeOnly });
      }
    }
    return records;
  });
}

/** Returns the src folder that a relative import lands in, or null for a package or built-in. */
function partOf(record: ImportRecord): string | null {
  if (!record.specifier.startsWith('.')) return null;
  const target = resolve(record.file, '..', record.specifier);
  return relative(srcDir, target).split(/[\\/]/)[0];
}

function describeImport(record: ImportRecord): string {
  return `${relative(srcDir, record.file)} imports ${record.specifier}`;
}

describe('architecture', () => {
  it('element imports only lit and wire types', () => {
    const records = importsOf('element');
    assert.ok(records.some((record) => record.specifier === 'lit'), 'the element imports lit');
    for (const record of records) {
      const part = partOf(record);
      const allowed = part === 'element' || (part === 'protocol' && record.typeOnly) ||
        record.specifier === 'lit' || record.specifier.startsWith('lit/');
      assert.ok(allowed, describeImport(record));
    }
  });

  it('connect client imports no other part', () => {
    for (const record of importsOf('connect')) {
      const part = partOf(record);
      assert.ok(part === null || part === 'connect', describeImport(record));
      assert.ok(!record.specifier.startsWith('lit'), describeImport(record));
    }
  });

  it('gateway and stand-in never import each other', () => {
    for (const record of importsOf('gateway')) assert.notEqual(partOf(record), 'stand-in', describeImport(record));
    for (const record of importsOf('stand-in')) assert.notEqual(partOf(record), 'gateway', describeImport(record));
  });

  it('server parts never import the element', () => {
    for (const part of ['gateway', 'stand-in', 'connect', 'cli']) {
      for (const record of importsOf(part)) assert.notEqual(partOf(record), 'element', describeImport(record));
    }
  });

  it('wire types emit no runtime code', () => {
    for (const file of sourceFiles('protocol')) {
      const output = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true },
      }).outputText;
      assert.equal(output.replace(/export \{\};/, '').trim(), '', `${relative(srcDir, file)} emits code`);
      for (const record of importsOf('protocol')) assert.equal(partOf(record), 'protocol', describeImport(record));
    }
  });
});
