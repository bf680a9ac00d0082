import type { AnyBulkWriteOperation, Collection, Document, Filter, FindCursor } from 'mongodb';
import { isDuplicateKey, wrapCollection } from './collection';
import { plain, Plain } from './plain';
import { isBusy } from './retry';

/**
 * Runs an unordered bulk write of guarded updates and inserts and returns how many operations did
 * not take effect: updates whose filter (a version guard) matched nothing, and inserts that hit a
 * duplicate key. Any other write error is thrown.
 */
export async function bulkMisses<T extends Document>(collection: Collection<T>, ops: AnyBulkWriteOperation<T>[]): Promise<number> {
  if (ops.length === 0) return 0;
  try {
    const res = await wrapCollection(collection).bulkWrite(ops, { ordered: false });
    return ops.length - res.matchedCount - res.insertedCount - res.upsertedCount;
  } catch (err) {
    const e = err as { writeErrors?: unknown[]; result?: { matchedCount?: number; insertedCount?: number; upsertedCount?: number } };
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    if (writeErrors.length === 0 || !writeErrors.every(isDuplicateKey)) throw err;
    const r = e.result ?? {};
    return ops.length - (r.matchedCount ?? 0) - (r.insertedCount ?? 0) - (r.upsertedCount ?? 0);
  }
}

/**
 * Inserts unordered; returns the indexes (into `docs`) that already existed. Other errors are thrown.
 * When the local FerretDB turns some documents away as busy (see retryBusy), only those are tried again:
 * repeating the whole insert would report the documents the first try wrote as existing.
 */
export async function insertManyNew<T extends Document>(collection: Collection<T>, docs: T[]): Promise<Set<number>> {
  const existing = new Set<number>();
  let pending = docs.map((_, i) => i);
  for (let round = 1; pending.length > 0; round++) {
    const batch = pending;
    pending = [];
    try {
      await wrapCollection(collection).insertMany(batch.map((i) => docs[i]) as any, { ordered: false });
    } catch (err) {
      const e = err as { writeErrors?: WriteError[] | WriteError };
      const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
      if (writeErrors.length === 0) throw err;
      for (const w of writeErrors) {
        if (isDuplicateKey(w)) existing.add(batch[w.index]);
        else if (isBusy({ message: w.errmsg ?? w.message }) && round < MAX_BUSY_ROUNDS) pending.push(batch[w.index]);
        else throw err;
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
    }
  }
  return existing;
}

const MAX_BUSY_ROUNDS = 12;
type WriteError = { index: number; code?: number; errmsg?: string; message?: string };

/**
 * Hands out the documents a cursor finds, `size` at a time, and closes the cursor however the caller stops.
 * Claim loops read their candidates once this way: on the local FerretDB a filter that no single-field index
 * serves scans the whole collection, so one read per pass instead of one per batch is what keeps a pass's
 * cost near its due work (on MongoDB the index serves either; the cursor just streams). Where the order does
 * not matter their cursors are not sorted: FerretDB would hold every match in memory before the first batch.
 * The documents are whole, so a claim that leases them unchanged needs no second read. The next batch is read
 * while the caller works on the current one: the database reads it on one core while the caller's writes use
 * the other.
 */
export async function* docBatches<T>(cursor: FindCursor<T>, size: number): AsyncGenerator<T[]> {
  const readBatch = async (): Promise<T[]> => {
    const docs: T[] = [];
    while (docs.length < size) {
      const doc = await cursor.next();
      if (doc === null) break;
      docs.push(doc);
    }
    return docs;
  };
  let ahead: Promise<T[]> | null = null;
  try {
    let docs = await readBatch();
    while (docs.length > 0) {
      ahead = docs.length === size ? readBatch() : Promise.resolve([]);
      // A read that fails while the caller is busy is thrown at the next batch, not left unhandled.
      ahead.catch(() => undefined);
      yield docs;
      docs = await ahead;
      ahead = null;
    }
  } finally {
    // Wait for a read still under way before closing the cursor under it.
    await ahead?.catch(() => undefined);
    await cursor.close();
  }
}

/**
 * Leases documents a cursor read (see docBatches) in one bulk write: those still matching `filter` and still
 * holding what `guard` read from each (the fields that every change of such a document moves on) get `set`,
 * which carries the lease token. When all were leased, what was read is what was leased, so the candidates
 * come back as `leased` makes them, with no second read; otherwise (another instance took some, or they
 * changed) the documents whose `tokenField` holds `token` are read back.
 */
export async function leaseAsRead<D extends { _id: string }>(
  collection: Collection<D>,
  candidates: Plain<D>[],
  lease: {
    filter: Document;
    guard?: (candidate: Plain<D>) => Document;
    set: Document;
    tokenField: string;
    token: string;
    leased: (candidate: Plain<D>) => Plain<D>;
  },
): Promise<Plain<D>[]> {
  if (candidates.length === 0) return [];
  const groups = new Map<string, { guard: Document; ids: string[] }>();
  for (const c of candidates) {
    const guard = lease.guard?.(c) ?? {};
    const key = JSON.stringify(guard);
    const group = groups.get(key);
    if (group) group.ids.push(c.id);
    else groups.set(key, { guard, ids: [c.id] });
  }
  const ops = [...groups.values()].map(({ guard, ids }) => ({
    updateMany: { filter: { _id: { $in: ids }, ...lease.filter, ...guard }, update: { $set: lease.set } },
  })) as AnyBulkWriteOperation<D>[];
  const res = await wrapCollection(collection).bulkWrite(ops, { ordered: false });
  if (res.matchedCount === candidates.length) return candidates.map(lease.leased);
  const docs = await collection.find({ _id: { $in: candidates.map((c) => c.id) }, [lease.tokenField]: lease.token } as Filter<D>).toArray();
  return docs.map((d) => plain(d as D));
}
