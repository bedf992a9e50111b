// Writes the same outputs as report.Rmd (index.html and data.csv) where R is not installed.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const regions = ['North', 'South', 'East', 'West'];

function poisson(lambda) {
  const limit = Math.exp(-lambda);
  let count = 0;
  let product = Math.random();
  while (product > limit) {
    count += 1;
    product *= Math.random();
  }
  return count;
}

function summarise(renderedAt) {
  return regions.map((region) => {
    let orders = 0;
    let revenue = 0;
    for (let day = 0; day < 30; day += 1) {
      orders += poisson(40);
      revenue += 400 + Math.random() * 800;
    }
    return { region, orders, revenue: revenue.toFixed(2), rendered_at: renderedAt };
  });
}

function toCsv(rows) {
  const header = '"region","orders","revenue","rendered_at"';
  const lines = rows.map((row) => `"${row.region}",${row.orders},${row.revenue},"${row.rendered_at}"`);
  return [header, ...lines].join('\n') + '\n';
}

/** Returns the refresh button of report.Rmd, or '' when the classic build is not beside this script. */
function refreshButton() {
  if (!existsSync('connect-refresh-button.iife.js')) return '';
  return `<script src="connect-refresh-button.iife.js"></script>
<connect-refresh-button gateway="/gateway" report="orders"></connect-refresh-button>
<script>document.addEventListener('connect-refresh-success', function () { location.reload(); });</script>`;
}

function toHtml(rows, renderedAt) {
  const cells = rows.map((row) => `<tr><td>${row.region}</td><td>${row.orders}</td><td>${row.revenue}</td></tr>`);
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Orders by region</title>
<h1>Orders by region</h1>${refreshButton()}<p>Written by the Node stand-in for the R Markdown report.</p>
<table><tr><th>region</th><th>orders</th><th>revenue</th></tr>${cells.join('')}</table>
<p>Rendered at ${renderedAt}.</p></html>\n`;
}

console.log('processing file: report (Node fallback, R is not installed)');
console.log('  |......................                |  50% [extract]');
await delay(2000);
const renderedAt = new Date().toISOString();
const rows = summarise(renderedAt);
console.log('  |..........................................| 100% [summarise]');
await writeFile('data.csv', toCsv(rows));
await writeFile('index.html', toHtml(rows, renderedAt));
console.log('Output created: index.html');
