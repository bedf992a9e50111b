/**
 * The R Markdown snippet of the README, as users copy it: its refresh-button chunk is the one
 * that the demo report carries, and it renders with and without the element's bundle beside it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hasRMarkdown } from '../../demo/start.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = 'connect-refresh-button.iife.js';
/** A render of the small snippet takes a few seconds; this bounds the wait, it is not a target. */
const RENDER_TIMEOUT_MS = 90_000;

/** Returns the text of the README's R Markdown example, the ````md block with `output: html_document`. */
async function readmeRMarkdownExample(): Promise<string> {
  const readme = await readFile(`${repoDir}README.md`, 'utf8');
  const blocks = [...readme.matchAll(/^````md\n([\s\S]*?)^````$/gm)].map((match) => match[1]!);
  const example = blocks.find((block) => block.includes('output: html_document'));
  assert.ok(example, 'README.md has an R Markdown example in a ````md block');
  return example;
}

/** Returns the chunk named refresh-button, from its opening fence to its closing one. */
function refreshButtonChunk(rmd: string): string {
  const chunk = /^```\{r refresh-button[^}]*\}\n[\s\S]*?^```$/m.exec(rmd)?.[0];
  assert.ok(chunk, 'the document has a chunk named refresh-button');
  return chunk;
}

/** Renders `rmdPath` with rmarkdown under Rscript and resolves with whether it failed and its output. */
function render(rmdPath: string): Promise<{ failed: boolean; output: string }> {
  const script = 'rmarkdown::render(commandArgs(trailingOnly = TRUE)[1], quiet = TRUE)';
  return new Promise((resolve) => {
    execFile('Rscript', ['-e', script, rmdPath], { timeout: RENDER_TIMEOUT_MS },
      (error, stdout, stderr) => resolve({ failed: error !== null, output: stdout + stderr }));
  });
}

describe('README R Markdown snippet', () => {
  let workDir: string;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'connect-refresh-rmd-'));
  });

  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('matches the demo report chunk', async () => {
    const report = await readFile(`${repoDir}demo/report/report.Rmd`, 'utf8');

    assert.equal(refreshButtonChunk(await readmeRMarkdownExample()), refreshButtonChunk(report));
  });

  it('renders without the bundle', { timeout: RENDER_TIMEOUT_MS }, async (t) => {
    if (!(await hasRMarkdown())) {
      t.skip('R with rmarkdown and pandoc is not installed; scripts/setup-system.sh installs them');
      return;
    }
    const dir = await mkdtemp(join(workDir, 'without-'));
    await writeFile(join(dir, 'report.Rmd'), await readmeRMarkdownExample());

    const result = await render(join(dir, 'report.Rmd'));
    assert.equal(result.failed, false, result.output);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<connect-refresh-button/);
  });

  it('embeds the bundle beside it', { timeout: RENDER_TIMEOUT_MS }, async (t) => {
    if (!(await hasRMarkdown())) {
      t.skip('R with rmarkdown and pandoc is not installed; scripts/setup-system.sh installs them');
      return;
    }
    const dir = await mkdtemp(join(workDir, 'with-'));
    await writeFile(join(dir, 'report.Rmd'), await readmeRMarkdownExample());
    await copyFile(join(repoDir, 'dist/browser', BUNDLE), join(dir, BUNDLE));

    const result = await render(join(dir, 'report.Rmd'));
    assert.equal(result.failed, false, result.output);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<connect-refresh-button gateway="https:\/\/refresh\.example\.com" report="orders">/);
    assert.doesNotMatch(html, /src="connect-refresh-button\.iife\.js"/, 'self_contained embeds the bundle');
  });
});
