import { readdirSync } from 'node:fs';
import { build, defineConfig, type Plugin } from 'vite';

/** Languages with a module in src/element/locales, such as `de` for `de.ts`. */
const LOCALES = readdirSync('src/element/locales')
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.slice(0, -'.ts'.length));

/**
 * Builds each locale module into its own drop-in files, `locales/<lang>.js` (ES module) and
 * `locales/<lang>.iife.js` (classic script), after the element's bundle. A Vite library build
 * makes IIFE files from one entry only, so each locale gets a build of its own. The files share
 * no chunk with the element's bundle: they reach its catalog through `globalThis`.
 */
function localeBundles(): Plugin {
  return {
    name: 'connect-refresh-locales',
    apply: 'build',
    async closeBundle() {
      for (const lang of LOCALES) {
        await build({
          configFile: false,
          logLevel: 'warn',
          build: {
            target: 'es2022',
            outDir: 'dist/browser/locales',
            emptyOutDir: false,
            sourcemap: true,
            lib: {
              entry: `src/element/locales/${lang}.ts`,
              name: `ConnectRefreshLocale_${lang.replaceAll('-', '_')}`,
              formats: ['es', 'iife'],
              fileName: (format) => `${lang}.${format === 'es' ? 'js' : 'iife.js'}`,
            },
            rolldownOptions: { output: { minify: true } },
          },
        });
      }
    },
  };
}

/** Builds the drop-in bundles of the element, with Lit inside, for pages without a bundler. */
export default defineConfig({
  plugins: [localeBundles()],
  build: {
    target: 'es2022',
    outDir: 'dist/browser',
    sourcemap: true,
    lib: {
      entry: 'src/element/define.ts',
      name: 'ConnectRefresh',
      formats: ['es', 'iife'],
      fileName: (format) => `connect-refresh-button.${format === 'es' ? 'js' : 'iife.js'}`,
    },
    // Vite keeps whitespace in ES library builds; the drop-in file is minified in full.
    rolldownOptions: { output: { minify: true } },
  },
});
