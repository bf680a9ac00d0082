#!/usr/bin/env node
'use strict';
// Python tools the tests use (schemathesis for the bad-input run), installed once into a virtual
// environment in .cache/venv with the pinned versions below.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const VENV = path.join(ROOT, '.cache', 'venv');
const BIN = path.join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin');
const SCHEMATHESIS_VERSION = '4.32.5';

function log(message) {
  process.stderr.write(`[python-tools] ${message}\n`);
}

function installedVersion(name) {
  try {
    const out = execFileSync(path.join(BIN, 'python'), ['-m', 'pip', 'show', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /^Version:\s*(\S+)/m.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Creates .cache/venv with `python3 -m venv` unless it is there (Debian needs the python3-venv package). */
function ensureVenv() {
  if (fs.existsSync(path.join(BIN, 'python'))) return;
  log(`creating ${path.relative(ROOT, VENV)}`);
  try {
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    fs.rmSync(VENV, { recursive: true, force: true });
    throw new Error(`python3 -m venv failed (${err.message}): install Python 3 with its venv module (Debian: python3-venv)`, {
      cause: err,
    });
  }
}

/** Path of the `schemathesis` executable, installing the pinned version first if it is missing or another. */
function ensureSchemathesis() {
  ensureVenv();
  const exe = path.join(BIN, 'schemathesis');
  if (fs.existsSync(exe) && installedVersion('schemathesis') === SCHEMATHESIS_VERSION) return exe;
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} (first run only)`);
  execFileSync(
    path.join(BIN, 'python'),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (installedVersion('schemathesis') !== SCHEMATHESIS_VERSION) throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} did not install`);
  return exe;
}

module.exports = { ensureSchemathesis, SCHEMATHESIS_VERSION, VENV };

if (require.main === module) {
  try {
    process.stdout.write(`${ensureSchemathesis()}\n`);
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
