import { MongoClient, type Db } from 'mongodb';
import type { PassStats } from '../../src/scheduler/scheduler.service';
import { BenchDb, databaseUri, dropDatabase } from '../db';
import { dueResourceDoc } from '../population';
import { Child } from '../spawn';
import { copyIndexes, insertAll, seedAccounts } from '../seed';

/** The instant every data set is made for: domain time in Herald stands still there. */
export const NOW_MS = Date.parse('2026-11-20T02:30:00Z');
/** Documents per baseline insertMany: large unordered batches, the driver's best case. */
const BASELINE_BATCH = 10_000;

export interface Timed<T> {
  result: T;
  ms: number;
  /** CPU time of the measuring process meanwhile, all its threads (the collector's and libuv's included). */
  cpuMs: number;
  /** Time the measuring process's event loop was busy meanwhile (not waiting for I/O). */
  busyMs: number;
  peakRssBytes: number;
  maxRssBytes: number;
}

export interface PassRun {
  due: number;
  claimed: number;
  notices: number;
  deliveries: number;
  passMs: number;
  fanoutMs: number;
  /** Notices and deliveries written per second of pass plus fan-out. */
  docsPerSec: number;
  resourcesPerSec: number;
  /** Peak RSS of the Herald process during the pass and the fan-out (sampled every 20 ms). */
  peakRssBytes: number;
  baseline: { docs: number; ms: number; docsPerSec: number };
  ratio: number;
}

/** Accounts for a number of resources: a hundred resources each, three members each. */
export const accountsFor = (resources: number) => Math.max(10, Math.round(resources / 100));

/** Seeds `due` resources whose next notice has come; returns their indexes (deterministic, see population.ts). */
export async function seedDue(db: Db, due: number, accounts: number, nowMs = NOW_MS): Promise<number[]> {
  const indexes: number[] = [];
  function* docs() {
    for (let i = 0; indexes.length < due; i++) {
      const doc = dueResourceDoc(i, nowMs, accounts);
      if (doc) {
        indexes.push(i);
        yield doc;
      }
    }
  }
  await insertAll(db.collection('resources'), docs());
  return indexes;
}

/**
 * The raw driver's rate for the same documents on the same server: copies of what Herald wrote (new ids),
 * inserted unordered in large batches into collections with the same indexes.
 */
export async function insertBaseline(db: Db, collections: { source: string; count: number }[]) {
  let docs = 0;
  let ms = 0;
  for (const { source, count } of collections) {
    const samples = await db.collection(source).find({}).limit(1_000).toArray();
    if (samples.length === 0) continue;
    const target = db.collection(`baseline_${source}`);
    await copyIndexes(db.collection(source), target);
    for (let i = 0; i < count;) {
      const n = Math.min(BASELINE_BATCH, count - i);
      const batch = Array.from({ length: n }, (_, k) => {
        const s = samples[(i + k) % samples.length];
        return { ...s, _id: `${s._id as unknown as string}~${i + k}` };
      });
      const t0 = performance.now();
      await target.insertMany(batch as any[], { ordered: false });
      ms += performance.now() - t0;
      i += n;
      docs += n;
    }
  }
  return { docs, ms, docsPerSec: (docs / ms) * 1000 };
}

/** Issue item 2: a pass over `due` resources due at once, with fan-out to 3 recipients × 2 channels, against insertMany. */
export async function passRun(server: BenchDb, run: number, due: number, env: Record<string, string>): Promise<PassRun> {
  const uri = databaseUri(server.uri, `bench_pass_${run}`);
  await dropDatabase(uri);
  const client = new MongoClient(uri);
  try {
    const db = client.db();
    await seedAccounts(db, accountsFor(due), NOW_MS);
    await seedDue(db, due, accountsFor(due));
    const child = Child.start();
    let pass: Timed<PassStats>;
    let fanout: Timed<number>;
    try {
      await child.call('start', { uri, nowMs: NOW_MS, env });
      pass = await child.call<Timed<PassStats>>('pass');
      fanout = await child.call<Timed<number>>('fanout');
    } finally {
      await child.close();
    }
    const notices = await db.collection('notices').estimatedDocumentCount();
    const deliveries = await db.collection('deliveries').estimatedDocumentCount();
    const baseline = await insertBaseline(db, [
      { source: 'notices', count: notices },
      { source: 'deliveries', count: deliveries },
    ]);
    const ms = pass.ms + fanout.ms;
    const docsPerSec = ((notices + deliveries) / ms) * 1000;
    return {
      due,
      claimed: pass.result.claimed,
      notices,
      deliveries,
      passMs: pass.ms,
      fanoutMs: fanout.ms,
      docsPerSec,
      resourcesPerSec: (pass.result.claimed / ms) * 1000,
      peakRssBytes: Math.max(pass.peakRssBytes, fanout.peakRssBytes),
      baseline,
      ratio: docsPerSec / baseline.docsPerSec,
    };
  } finally {
    await client.close();
    await dropDatabase(uri);
  }
}
