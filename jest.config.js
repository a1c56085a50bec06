/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  // The compiled validators and scripts (dist/) are built first when a source changed.
  globalSetup: '<rootDir>/test/helpers/build.js',
  testTimeout: 60000,
};
