import { MongoClient, type Db } from 'mongodb';
import type { PassStats } from '../../src/scheduler/scheduler.service';
import { BenchDb, databaseUri, dropDatabase } from '../db';
import { dueResourceDoc, laterResourceDoc } from '../population';
import { insertAll, seedAccounts } from '../seed';
import { Child } from '../spawn';
import { accountsFor, NOW_MS, seedDue, Timed } from './pass';
import type { ResourceDoc } from '../../src/resources/resource.schema';

export interface ScalingPoint {
  total: number;
  due: number;
  passMs: number[];
  claimed: number;
  seedMs: number;
}

/** Resources not due yet get indexes from here on, apart from the due ones'. */
const LATER_FROM = 100_000_000;

/** Puts the due resources back as they were before a pass, and removes the notices it wrote. */
async function resetDue(db: Db, dueIndexes: number[], accounts: number): Promise<void> {
  const resources = db.collection<ResourceDoc>('resources');
  for (let k = 0; k < dueIndexes.length; k += 1_000) {
    const chunk = dueIndexes.slice(k, k + 1_000);
    const docs = chunk.map((i) => dueResourceDoc(i, NOW_MS, accounts)!);
    await resources.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
    await resources.insertMany(docs, { ordered: false });
  }
  await db.collection('notices').deleteMany({});
}

/**
 * Issue item 5: the same number of due resources among more and more resources that are not due; the pass
 * time should follow the due work. One database grows from the smallest total to the largest.
 */
export async function scalingSeries(
  server: BenchDb,
  sizes: number[],
  due: number,
  runs: number,
  env: Record<string, string>,
): Promise<ScalingPoint[]> {
  const uri = databaseUri(server.uri, 'bench_scaling');
  await dropDatabase(uri);
  const client = new MongoClient(uri);
  const accounts = accountsFor(due);
  const points: ScalingPoint[] = [];
  const child = Child.start();
  try {
    const db = client.db();
    await seedAccounts(db, accounts, NOW_MS);
    const dueIndexes = await seedDue(db, due, accounts);
    await child.call('start', { uri, nowMs: NOW_MS, env });
    let later = 0;
    for (const total of sizes) {
      const t0 = performance.now();
      const add = Math.max(0, total - due - later);
      const from = later;
      await insertAll(
        db.collection<ResourceDoc>('resources'),
        (function* () {
          for (let j = from; j < from + add; j++) yield laterResourceDoc(LATER_FROM + j, NOW_MS, accounts);
        })(),
      );
      later += add;
      const seedMs = performance.now() - t0;
      const passMs: number[] = [];
      let claimed = 0;
      for (let r = 0; r < runs; r++) {
        if (points.length > 0 || r > 0) await resetDue(db, dueIndexes, accounts);
        const pass = await child.call<Timed<PassStats>>('pass');
        passMs.push(pass.ms);
        claimed = pass.result.claimed;
      }
      points.push({ total: due + later, due, passMs, claimed, seedMs });
    }
    return points;
  } finally {
    await child.close();
    await client.close();
    await dropDatabase(uri);
  }
}
