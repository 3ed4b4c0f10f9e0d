// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Modules that only adapters, config and entry points may touch. */
const ioModules = [
  'kafkajs',
  '@elastic/elasticsearch',
  'express',
  'fs',
  'fs/promises',
  'node:fs',
  'node:fs/promises',
  'node:http',
  'node:child_process',
  'better-sqlite3',
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.services/**',
      '.sift/**',
      '.sift-tools/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['*/src/**/*.ts'],
    ignores: ['cli/src/**'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    files: ['*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...ioModules.map((name) => ({ name, message: 'The domain does no I/O: use a port.' })),
            {
              name: 'node:net',
              importNames: ['connect', 'createConnection', 'createServer', 'Socket', 'Server'],
              message: 'The domain does no I/O: use a port.',
            },
          ],
          patterns: [{ group: ['**/adapters/**'], message: 'The domain may not import adapters.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['*/src/config.ts', '*/src/main.ts', 'cli/src/**', '**/test/**', 'bench/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only config.ts reads process.env.' },
      ],
    },
  },
  {
    // The console UI runs in the browser.
    files: ['registry-ui/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
