import type { Collection, Db, Document } from 'mongodb';
import type { Channel } from '../src/lifecycle';
import { accountDocs, subscriptionDoc } from './population';

/** Seeding goes through the raw driver in large unordered batches: it is set-up, not a figure. */
export const SEED_BATCH = 5_000;

export async function insertAll<T extends Document>(collection: Collection<T>, docs: Iterable<T>, batch = SEED_BATCH): Promise<number> {
  let chunk: T[] = [];
  let n = 0;
  for (const doc of docs) {
    chunk.push(doc);
    if (chunk.length === batch) {
      await collection.insertMany(chunk as any, { ordered: false });
      n += chunk.length;
      chunk = [];
    }
  }
  if (chunk.length) await collection.insertMany(chunk as any, { ordered: false });
  return n + chunk.length;
}

/** `count` accounts, each with its members (the recipients) and a subscription on inbox and email. */
export async function seedAccounts(db: Db, count: number, nowMs: number, channels?: Channel[]): Promise<void> {
  const accounts = Array.from({ length: count }, (_, a) => accountDocs(a, nowMs));
  await insertAll(
    db.collection('accounts'),
    accounts.map((a) => a.account),
  );
  await insertAll(
    db.collection('members'),
    accounts.flatMap((a) => a.members),
  );
  await insertAll(
    db.collection('subscriptions'),
    Array.from({ length: count }, (_, a) => subscriptionDoc(a, nowMs, channels)),
  );
}

/** Creates on `target` the secondary indexes `source` has, so a baseline insert pays the same index upkeep. */
export async function copyIndexes(source: Collection, target: Collection): Promise<void> {
  for (const spec of await source.listIndexes().toArray()) {
    if (spec.name === '_id_') continue;
    const { key, name, unique, sparse } = spec;
    await target.createIndex(key, { name, ...(unique ? { unique } : {}), ...(sparse ? { sparse } : {}) });
  }
}
