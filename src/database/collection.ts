import type { Collection, Document } from 'mongodb';
import type { Model } from 'mongoose';
import { retryBusy } from './retry';

/**
 * The collection every repository writes through: the driver's own, typed with the document's own `_id`
 * (mongoose types it as ObjectId), whose writes behave the same on MongoDB and on the local FerretDB.
 * Reads may go through the model; writes go here.
 */
export const collectionOf = <T extends { _id: string }>(model: Model<T>): Collection<T> =>
  wrapCollection(model.collection as unknown as Collection<T>);

/** A unique index refused the write (MongoDB's code, which the collection's writes always carry). */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number } | null)?.code === 11000;

/**
 * The driver collection with its write methods wrapped: a write the local FerretDB turned away as busy is
 * tried again (see retryBusy), and a unique index's refusal carries MongoDB's code 11000. FerretDB gives that
 * code to a duplicate insert, but answers one on update (update, findAndModify, a bulk's updates) with
 * InternalError and SQLite's "UNIQUE constraint failed". Every other method is the driver's own.
 */
export function wrapCollection<T extends Document>(collection: Collection<T>): Collection<T> {
  const known = wrapped.get(collection);
  if (known) return known as Collection<T>;
  const proxy = new Proxy(collection, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(prop)) return value.bind(target);
      return (...args: unknown[]) => written(() => value.apply(target, args));
    },
  });
  wrapped.set(collection, proxy);
  // Wrapping twice would retry each try of a busy write again.
  wrapped.set(proxy, proxy);
  return proxy;
}

const WRITES = new Set<string | symbol>([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
]);

const wrapped = new WeakMap<object, Collection<any>>();

const SQLITE_UNIQUE = /UNIQUE constraint failed/;

async function written<R>(write: () => PromiseLike<R>): Promise<R> {
  try {
    return await retryBusy(write);
  } catch (err) {
    const e = err as { code?: number; codeName?: string; message?: string } | null;
    if (e && typeof e === 'object' && e.code !== 11000 && SQLITE_UNIQUE.test(String(e.message ?? ''))) {
      e.code = 11000;
      e.codeName = 'DuplicateKey';
    }
    throw err;
  }
}
