import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseStandInConfig, startStandIn } from '../../src/stand-in/index.js';
import { fixturesDir, sendRequest } from './helpers.js';

const GUID = '6a3b4c5d-0000-4000-8000-0000000000b2';
const KEY = 'rmarkdown-test-key';

/** Returns why R Markdown cannot render here, or null when it can. */
function missingRMarkdown(): Promise<string | null> {
  const check = 'quit(status = if (!requireNamespace("rmarkdown", quietly = TRUE)) 2 '
    + 'else if (!rmarkdown::pandoc_available()) 3 else 0)';
  return new Promise((resolve) => {
    execFile('Rscript', ['-e', check], { timeout: 60_000 }, (error) => {
      if (!error) {
        resolve(null);
      } else if (error.code === 'ENOENT') {
        resolve('Rscript is not installed');
      } else if (error.code === 2) {
        resolve('the R package rmarkdown is not installed');
      } else if (error.code === 3) {
        resolve('pandoc is not installed');
      } else {
        resolve(`Rscript failed: ${error.message}`);
      }
    });
  });
}

const skipReason = await missingRMarkdown();

describe('R Markdown render', () => {
  it('renders a real .Rmd', { skip: skipReason ?? false, timeout: 180_000 }, async () => {
    const standIn = await startStandIn({
      config: parseStandInConfig({
        users: [{ username: 'publisher', api_key: KEY, role: 'publisher' }],
        content: [{
          guid: GUID, name: 'rmd-report', title: 'R Markdown report', app_mode: 'rmd-static',
          access_type: 'all', source: 'rmd', rmd: 'report.Rmd',
          permissions: { publisher: 'owner' },
        }],
      }),
      configDir: fixturesDir,
      port: 0,
    });
    try {
      const headers = { authorization: `Key ${KEY}` };
      const render = await sendRequest(`${standIn.url}/__api__/v1/content/${GUID}/render`, {
        method: 'POST', body: '{}', headers,
      });
      assert.equal(render.status, 202);
      let task;
      do {
        task = await sendRequest(
          `${standIn.url}/__api__/v1/tasks/${render.body.task_id}?wait=20`, { headers });
      } while (!task.body.finished);
      assert.equal(task.body.code, 0, task.body.output.join('\n'));
      assert.equal(task.body.output[0], 'Building R Markdown document...');
      assert.ok(task.body.output.some((line: string) => /Output created: index\.html$/.test(line)),
        'rmarkdown reports the output file');

      const page = await sendRequest(`${standIn.url}/content/${GUID}/`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Stand-in test report/);
      const csv = await sendRequest(`${standIn.url}/content/${GUID}/data.csv`);
      assert.equal(csv.text, '"region","orders"\n"North",12\n"South",7\n');
    } finally {
      await standIn.close();
    }
  });

  it('renders variants with params', { skip: skipReason ?? false, timeout: 180_000 }, async () => {
    const standIn = await startStandIn({
      config: parseStandInConfig({
        users: [{ username: 'publisher', api_key: KEY, role: 'publisher' }],
        content: [{
          guid: GUID, name: 'rmd-report', title: 'R Markdown report', app_mode: 'rmd-static',
          access_type: 'all', source: 'rmd-params', rmd: 'report.Rmd',
          variants: [{ key: 'north', params: { region: 'North' } }, { key: 'all' }],
          permissions: { publisher: 'owner' },
        }],
      }),
      configDir: fixturesDir,
      port: 0,
    });
    try {
      const headers = { authorization: `Key ${KEY}` };
      for (const variantKey of ['north', 'all']) {
        const render = await sendRequest(`${standIn.url}/__api__/v1/content/${GUID}/render`, {
          method: 'POST', body: JSON.stringify({ variant_key: variantKey }), headers,
        });
        assert.equal(render.status, 202);
        let task;
        do {
          task = await sendRequest(
            `${standIn.url}/__api__/v1/tasks/${render.body.task_id}?wait=20`, { headers });
        } while (!task.body.finished);
        assert.equal(task.body.code, 0, task.body.output.join('\n'));
      }

      const north = await sendRequest(`${standIn.url}/content/${GUID}/region.txt`);
      assert.equal(north.text, 'North\n', 'the default variant renders with its parameter');
      const all = await sendRequest(`${standIn.url}/content/${GUID}/vall/region.txt`);
      assert.equal(all.text, 'all\n', 'a variant without params keeps the YAML default');
    } finally {
      await standIn.close();
    }
  });
});
