#!/usr/bin/env node
'use strict';
// The one place that decides which MongoDB-compatible server Herald talks to, used by
// `npm start`, the tests and the benchmark: MONGODB_URI if set → `mongod` on PATH →
// FerretDB v1.24.2 (SQLite backend) built from source, with scripts/ferretdb.patch applied,
// into .cache/bin on first use.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_BIN = path.join(ROOT, '.cache', 'bin', 'ferretdb');
const FERRETDB_PATCH = path.join(__dirname, 'ferretdb.patch');
// The build's version names the patch, so a changed patch rebuilds the binary.
const FERRETDB_BUILD = `${FERRETDB_VERSION}-herald.${crypto
  .createHash('sha256')
  .update(fs.readFileSync(FERRETDB_PATCH))
  .digest('hex')
  .slice(0, 8)}`;

function log(message) {
  if (!process.env.HERALD_DB_QUIET) process.stderr.write(`[local-db] ${message}\n`);
}

function onPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function ferretDbVersion() {
  try {
    const out = execFileSync(FERRETDB_BIN, ['--version'], { encoding: 'utf8' });
    return /version:\s*(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Builds FerretDB with `go install` into .cache/bin unless this exact build is there.
 * `go install module/cmd@version` is not used directly: it asks the module proxy for the
 * module's version list (to check deprecation), which not every proxy serves, and the
 * module archive lacks build/version/version.txt, without which the binary refuses to run.
 * So the pinned module is downloaded, copied, patched, given its version file and installed.
 *
 * scripts/ferretdb.patch fixes faults of the SQLite backend (full table scans on every write,
 * hanging update batches, guarded updates that were not compare-and-set) and makes updates,
 * filtered reads and iterators cheaper; docs/ferretdb-patch.md lists its points.
 */
function ensureFerretDb() {
  if (ferretDbVersion() === FERRETDB_BUILD) return FERRETDB_BIN;
  if (!onPath('go')) throw new Error('FerretDB is not built and Go is not on PATH: install Go or set MONGODB_URI');
  log(`building FerretDB ${FERRETDB_BUILD} with go install (first run only, about two minutes)`);
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      encoding: 'utf8',
      env,
      cwd: os.tmpdir(),
    }),
  );
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'));
  try {
    fs.cpSync(info.Dir, src, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', src]);
    execFileSync('git', ['apply', '--whitespace=nowarn', FERRETDB_PATCH], { cwd: src, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_BUILD}\n`);
    fs.mkdirSync(path.dirname(FERRETDB_BIN), { recursive: true });
    execFileSync('go', ['install', './cmd/ferretdb'], {
      cwd: src,
      env: { ...env, GOBIN: path.dirname(FERRETDB_BIN) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
  if (ferretDbVersion() !== FERRETDB_BUILD) throw new Error(`FerretDB build did not produce ${FERRETDB_BUILD}`);
  log(`FerretDB ${FERRETDB_BUILD} built into ${path.relative(ROOT, FERRETDB_BIN)}`);
  return FERRETDB_BIN;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntilReady(port, child, label, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited with code ${child.exitCode} before accepting connections`);
    if (await canConnect(port)) {
      // A TCP accept is not enough: the wire protocol must answer too.
      const { MongoClient } = require('mongodb');
      const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 2000 });
      try {
        await client.db('admin').command({ ping: 1 });
        return;
      } catch {
        // not ready yet
      } finally {
        await client.close().catch(() => {});
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${label} did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function stopChild(child, label) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      log(`${label} stopped`);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts (or points at) the database. Options: `name` picks the data directory under .data/
 * (so `npm start` and the tests never share files), `fresh` wipes it first, `port` pins the port
 * (a restart on the same port keeps connection strings valid).
 * Returns { uri, kind, port, dataDir, stop() }.
 */
async function startLocalDb({ name = 'dev', fresh = false, port } = {}) {
  if (process.env.MONGODB_URI) {
    log('using MONGODB_URI');
    return { uri: process.env.MONGODB_URI, kind: 'external', stop: async () => {} };
  }
  const mongod = onPath('mongod');
  const dataDir = path.join(ROOT, '.data', `${mongod ? 'mongod' : 'ferretdb'}-${name}`);
  if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const chosenPort = port ?? (await freePort());
  let child;
  let label;
  if (mongod) {
    label = 'mongod';
    child = spawn(mongod, ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(chosenPort), '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } else {
    label = `FerretDB ${FERRETDB_BUILD} (SQLite in ${path.relative(ROOT, dataDir)})`;
    const bin = ensureFerretDb();
    const stateDir = path.join(dataDir, 'state');
    fs.mkdirSync(stateDir, { recursive: true });
    child = spawn(
      bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${stateDir}`,
        `--listen-addr=127.0.0.1:${chosenPort}`,
        '--debug-addr=127.0.0.1:0',
        '--telemetry=disable',
        '--log-level=error',
      ],
      // GOGC 400: its heap is small, and at Go's default a quarter of its CPU went to the collector.
      { stdio: ['ignore', 'ignore', 'inherit'], env: { GOGC: '400', ...process.env, FERRETDB_TELEMETRY: 'disable' } },
    );
  }
  await waitUntilReady(chosenPort, child, label);
  log(`${label} listening on 127.0.0.1:${chosenPort}`);
  return {
    uri: `mongodb://127.0.0.1:${chosenPort}/`,
    kind: mongod ? 'mongod' : 'ferretdb',
    port: chosenPort,
    dataDir,
    pid: child.pid,
    stop: () => stopChild(child, label),
  };
}

module.exports = { startLocalDb, ensureFerretDb, freePort, FERRETDB_VERSION, FERRETDB_BUILD };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes('--build-only')) {
    if (!process.env.MONGODB_URI && !onPath('mongod')) ensureFerretDb();
    process.exit(0);
  }
  startLocalDb({ name: 'dev' })
    .then((db) => {
      process.stdout.write(`${db.uri}\n`);
      const stop = () => db.stop().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err) => {
      process.stderr.write(`[local-db] ${err.message}\n`);
      process.exit(1);
    });
}
