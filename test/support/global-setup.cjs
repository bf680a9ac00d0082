'use strict';
// Starts one database server for the whole test run; each test file then uses a database of
// its own (see test/support/app.ts) and drops it when done. Each run has its own data directory,
// so two runs at once (say the main suite and the fault tests) never wipe each other's files.
const fs = require('node:fs');
const path = require('node:path');
const { startLocalDb } = require('../../scripts/local-db.cjs');

const DATA = path.join(__dirname, '..', '..', '.data');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Removes the data of earlier runs whose process is gone (killed runs leave theirs behind). */
function removeAbandonedRuns() {
  for (const entry of fs.existsSync(DATA) ? fs.readdirSync(DATA) : []) {
    const run = /^(?:ferretdb|mongod)-test-(\d+)$/.exec(entry);
    if (run && !alive(Number(run[1]))) fs.rmSync(path.join(DATA, entry), { recursive: true, force: true });
  }
}

module.exports = async function globalSetup() {
  removeAbandonedRuns();
  const db = await startLocalDb({ name: `test-${process.pid}`, fresh: true });
  globalThis.__HERALD_TEST_DB__ = db;
  // Workers start after this and inherit the environment.
  process.env.HERALD_TEST_MONGODB_URI = db.uri;
};
