'use strict';
// Starts one database server for the whole test run; each test file then uses a database of
// its own (see test/support/database.ts) and drops it when done.
const { startLocalDb } = require('../../scripts/local-db.cjs');

module.exports = async function globalSetup() {
  const db = await startLocalDb({ name: 'test', fresh: true });
  globalThis.__HERALD_TEST_DB__ = db;
  // Workers start after this and inherit the environment.
  process.env.HERALD_TEST_MONGODB_URI = db.uri;
};
