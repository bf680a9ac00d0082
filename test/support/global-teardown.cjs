'use strict';
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const db = globalThis.__HERALD_TEST_DB__;
  await db?.stop();
  if (db?.dataDir) fs.rmSync(db.dataDir, { recursive: true, force: true });
};
