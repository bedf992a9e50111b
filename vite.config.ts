import { defineConfig } from 'vite';

/** Builds the drop-in bundles of the element, with Lit inside, for pages without a bundler. */
export default defineConfig({
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
