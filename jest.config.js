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
  // Test files are independent (each moto_server on a free port, scratch directories of
  // their own): one worker per core, where jest's default leaves one core unused.
  maxWorkers: '100%',
  testTimeout: 60000,
  // The scripts and the generator read DELIVERY_CONFIG: the tests' own fixture, never the user's configuration.
  setupFiles: ['<rootDir>/test/helpers/setup.ts'],
};
