/* global module -- jest loads this file as CommonJS */
// Two projects: fast, network-free unit tests, and integration tests against one local moto server
// (started once by globalSetup, see test/integration/support/). `jest` runs both;
// `jest --selectProjects unit` skips moto entirely (a project's globalSetup only runs when one of its
// tests is selected).
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]sx?$': ['@swc/jest'] },
  // middy, p-limit and its queue, hyparquet (its compressors, their snappy and zstd, its writer) and csv-parse are ESM-only: let swc transform them like our own code.
  transformIgnorePatterns: [
    '/node_modules/(?!(@middy|p-limit|yocto-queue|hyparquet|hyparquet-compressors|hyparquet-writer|hysnappy|fzstd|csv-parse)/)',
  ],
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option (ignored inside a project): moto imports a service's Python modules on its first
  // call, and the browser test starts Chromium; allow for a slow CI machine.
  testTimeout: 30_000,
  // `npm test` runs with --coverage: the suite must keep covering the code it covers today.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary'],
  // The default output, then a note on why a test that depends on the machine (Chromium) was skipped.
  reporters: ['default', '<rootDir>/test/support/skip-notes-reporter.cjs'],
  coverageThreshold: { global: { statements: 95, branches: 87, functions: 95, lines: 95 } },
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test/unit'],
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/support/global-teardown.ts',
      // maxWorkers is a global option, ignored inside a project: this runner makes the project's
      // files run one at a time (in band) however many workers the unit tests get, because they
      // share one moto server and each file resets its state.
      runner: '<rootDir>/test/integration/support/serial-runner.ts',
    },
  ],
};
