import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { configs as litConfigs } from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import globals from 'globals';

/** Keeps each part of the package to the imports its layer allows. */
function onlyImports(files, forbidden) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message: `${files[0]} must not import ${group}` })) }],
    },
  };
}

const otherParts = (...parts) => parts.map((part) => `**/${part}/**`);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'custom-elements.json', 'demo/**/*_files/', 'demo/**/connect-refresh-button.iife.js', '.state/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/element/**/*.ts', 'test/element/**/*.ts'], ...litConfigs['flat/recommended'] },
  { files: ['src/element/**/*.ts', 'test/element/**/*.ts'], ...litA11y.configs.recommended },
  {
    files: ['src/element/**/*.ts', 'test/element/**/*.ts', 'demo/**/*.{js,ts}', 'bench/bundle/fixtures/**/*.ts', 'bench/pages/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/{gateway,connect,stand-in,cli}/**/*.ts', 'test/{gateway,connect,stand-in,cli,e2e,architecture,bundle,fuzz}/**/*.ts',
      'bench/**/*.{ts,mjs}',
      'scripts/**/*.{js,mjs,ts}', '*.config.{js,mjs,ts}', 'demo/start.ts', 'demo/report/**/*.mjs', '.ci/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  { files: ['test/element/**/*.ts'], languageOptions: { globals: { ...globals.mocha } } },
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
  onlyImports(['src/element/**/*.ts'], ['node:*', 'fastify', 'pino', ...otherParts('gateway', 'connect', 'stand-in', 'cli')]),
  onlyImports(['src/protocol/**/*.ts'], ['node:*', 'lit', 'lit/*', ...otherParts('gateway', 'connect', 'stand-in', 'cli', 'element')]),
  onlyImports(['src/connect/**/*.ts'], ['lit', 'lit/*', ...otherParts('gateway', 'stand-in', 'cli', 'element', 'protocol')]),
  onlyImports(['src/gateway/**/*.ts'], ['lit', 'lit/*', ...otherParts('stand-in', 'cli', 'element')]),
  onlyImports(['src/stand-in/**/*.ts'], ['lit', 'lit/*', ...otherParts('gateway', 'cli', 'element', 'protocol')]),
);
