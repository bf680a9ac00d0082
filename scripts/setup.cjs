#!/usr/bin/env node
'use strict';
// First step of `npm start` and `npm test`: make a fresh clone runnable with no other command.
// Installs npm dependencies when they are missing or older than the lock file, builds the local
// database server when one is needed, and (with --build) compiles the TypeScript sources.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
const mtime = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
if (mtime(installed) < mtime(path.join(ROOT, 'package-lock.json'))) {
  process.stderr.write('[setup] installing npm dependencies (npm ci)\n');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

run(process.execPath, [path.join(__dirname, 'local-db.cjs'), '--build-only']);

// `--system`: the test commands also need Debian packages npm cannot install (scripts/system-packages.cjs).
if (process.argv.includes('--system')) {
  try {
    require('./system-packages.cjs').ensureSystemPackages();
  } catch (err) {
    process.stderr.write(`[setup] ${err.message}\n`);
    process.exit(1);
  }
}

if (process.argv.includes('--build')) {
  process.stderr.write('[setup] compiling TypeScript\n');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
}
