// Unit specs sit next to the code (src, *.spec.ts); integration and end-to-end tests in test/ (*.test.ts).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  // The long fault tests run with `npm run test:faults` (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', ['<rootDir>/test/support/closing-line-reporter.cjs', { name: 'tests' }]],
};
