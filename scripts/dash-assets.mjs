// Copies the classic build of the element into demo/dash/assets, where Dash serves it and adds
// it to the page. Run `npm run build` first. The copy is a build artifact and stays out of git.
import { copyFileSync, existsSync } from 'node:fs';

const SOURCE = 'dist/browser/connect-refresh-button.iife.js';
const TARGET = 'demo/dash/assets/connect-refresh-button.iife.js';

if (!existsSync(SOURCE)) {
  console.error(`${SOURCE} is missing; run \`npm run build\` first.`);
  process.exit(1);
}

copyFileSync(SOURCE, TARGET);
console.log(`Copied ${SOURCE} to ${TARGET}.`);
