// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'docs/api/',
      'test-results/',
      '**/dist/',
      'test/consumers/*/node_modules/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  // The client and the React hooks run in browsers: no Node built-ins, no Nest, and nothing from
  // the server side of the package. tsconfig.browser.json compiles them with DOM types only.
  ...browserBoundary(['src/client', 'src/react']),
  {
    // Tools load their config from a default export.
    files: ['*.config.{js,ts,mjs}', '**/vite.config.ts', 'test/consumers/*/jest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // CommonJS scripts load modules with require(), which is the point of them.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.spec.tsx', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

/**
 * `no-restricted-imports` for code that runs in browsers. A relative import that climbs out of
 * its folder to `src/` (one `../` more than the file is deep) may only go into `src/client/`; one
 * config block per depth, because the rule matches import strings, not resolved paths.
 * @param {string[]} folders
 */
function browserBoundary(folders) {
  const why = 'src/client and src/react run in browsers';
  return [1, 2, 3].map((depth) => ({
    files: folders.map((folder) => `${folder}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`),
    ignores: ['**/*.spec.ts', '**/*.spec.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: `${why}: no Node built-ins.` })),
          patterns: [
            { group: ['node:*'], message: `${why}: no Node built-ins.` },
            {
              group: [
                '@nestjs/*',
                'reflect-metadata',
                'rxjs',
                'rxjs/*',
                'argon2',
                'class-validator',
              ],
              message: `${why}: no Nest or server packages.`,
            },
            {
              regex: `^(\\.\\./){${depth}}(?!client/)`,
              message: `${why}: of the package, import only from src/client.`,
            },
          ],
        },
      ],
    },
  }));
}
