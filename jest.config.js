/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]sx?$': ['@swc/jest'] },
  // middy is ESM-only: let swc transform it like our own code.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
};
