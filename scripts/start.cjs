#!/usr/bin/env node
'use strict';
// `npm start` (and `npm run demo`): the local database (unless MONGODB_URI is set), then Herald in the foreground.
// Ctrl-C stops Herald first and the database after it; Herald's exit code is ours.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startLocalDb } = require('./local-db.cjs');

async function main() {
  const db = await startLocalDb({ name: 'dev' });
  const env = { ...process.env, MONGODB_URI: db.uri, NODE_ENV: process.env.NODE_ENV || 'development' };
  // `npm run demo`: the same start, with the demo account wiped and seeded afresh (expiries around today).
  if (process.argv.includes('--demo')) env.DEMO_SEED = 'reset';
  const herald = spawn(process.execPath, ['--enable-source-maps', path.join(__dirname, '..', 'dist', 'main.js')], {
    env,
    stdio: 'inherit',
  });
  const forward = (signal) => () => herald.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  herald.on('exit', async (code, signal) => {
    await db.stop();
    process.exit(code ?? (signal ? 0 : 1));
  });
}

main().catch((err) => {
  process.stderr.write(`[start] ${err.message}\n`);
  process.exit(1);
});
