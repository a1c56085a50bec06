/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
  },
  testTimeout: 60000,
  // The scripts and the generator read DELIVERY_CONFIG: the tests' own fixture, never the user's configuration.
  setupFiles: ['<rootDir>/test/helpers/setup.ts'],
};
