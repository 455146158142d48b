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
  {
    // The client and the React hooks run in browsers: no Node built-ins, no Nest, and nothing from
    // the server side of the package. tsconfig.browser.json compiles them with DOM types only.
    files: ['src/client/**/*.{ts,tsx}', 'src/react/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts', '**/*.spec.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({
            name,
            message: 'src/client and src/react run in browsers: no Node built-ins.',
          })),
          patterns: [
            {
              group: ['node:*'],
              message: 'src/client and src/react run in browsers: no Node built-ins.',
            },
            {
              group: [
                '@nestjs/*',
                'reflect-metadata',
                'rxjs',
                'rxjs/*',
                'argon2',
                'class-validator',
              ],
              message: 'src/client and src/react run in browsers: no Nest or server packages.',
            },
            {
              // From src/client/x.ts or src/react/x.ts, `../` is the server side of the package;
              // the React hooks may use the client.
              regex: '^\\.\\./(?!client/)',
              message: 'Import only from src/client (and, in src/react, from ../client/).',
            },
          ],
        },
      ],
    },
  },
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
