import { MongoClient } from 'mongodb';
import path from 'node:path';
import type * as LocalDbModule from '../scripts/local-db.cjs';

// Loaded from the source tree at run time: the script finds its FerretDB build relative to itself, and the
// benchmark runs compiled from .cache/bench (npm scripts run in the project root).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startLocalDb } = require(path.resolve('scripts', 'local-db.cjs')) as typeof LocalDbModule;

export interface BenchDb {
  /** Server URI without a database name. */
  uri: string;
  /** What every figure names: `FerretDB v1.24.2-herald.… (SQLite)` or `MongoDB 7.0.x`. */
  label: string;
  kind: 'ferretdb' | 'mongodb';
  stop(): Promise<void>;
}

/**
 * The benchmark's own server: MONGODB_URI when set, otherwise the local database of `npm start`, in a
 * data directory of its own (`.data/*-bench`) wiped at every run.
 */
export async function startBenchDb(): Promise<BenchDb> {
  const local = await startLocalDb({ name: 'bench', fresh: true });
  const base = new URL(local.uri);
  base.pathname = '/';
  const client = new MongoClient(base.toString(), { serverSelectionTimeoutMS: 10_000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : null;
    // The local build always runs FerretDB's SQLite backend; an external FerretDB does not say which it has.
    const label = ferret ? `FerretDB ${ferret}${local.kind === 'ferretdb' ? ' (SQLite)' : ''}` : `MongoDB ${info.version}`;
    return { uri: base.toString(), label, kind: ferret ? 'ferretdb' : 'mongodb', stop: () => local.stop() };
  } finally {
    await client.close();
  }
}

/** A database of its own per measurement, so no figure inherits another's documents or indexes. */
export function databaseUri(serverUri: string, name: string): string {
  const url = new URL(serverUri);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}
