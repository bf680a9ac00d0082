// `npm run test:faults`: the long-running reliability tests (crashes, outages, storms, hostile input).
// They start Herald as separate processes from dist/, so the script builds first.
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 600000,
  maxWorkers: 1,
  reporters: ['default', ['<rootDir>/test/support/closing-line-reporter.cjs', { name: 'faults' }]],
};
