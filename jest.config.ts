import type { Config } from 'jest';

/**
 * Jest runs TypeScript as native ESM through ts-jest, the same setup as the NestJS 12 templates.
 * Run it with `node --experimental-vm-modules` (see the `test` script).
 */
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'json'],
  // ESM sources import siblings as `./x.js`; map them back to the `.ts` file for ts-jest.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Mercurius loads @fastify/static, whose own copy of content-disposition is ESM-only: Node 20
    // can require() it, Jest's module runtime only from Node 24.9. The hoisted copy is CommonJS
    // with the same `create()`, so the GraphQL suites run on every supported Node.
    '^content-disposition$': '<rootDir>/node_modules/content-disposition/dist/index.js',
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/src/**/*.spec.tsx',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/consumers/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/test/consumers/'],
  testTimeout: 60_000,
};

export default config;
