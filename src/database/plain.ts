/** Repositories hand out plain objects with `id`, never mongoose documents or `_id`. */
export type Plain<D extends { _id: string }> = Omit<D, '_id'> & { id: string };

export function plain<D extends { _id: string }>(doc: D): Plain<D>;
export function plain<D extends { _id: string }>(doc: D | null): Plain<D> | null;
export function plain<D extends { _id: string }>(doc: D | null): Plain<D> | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

/** Marks a query that deliberately spans accounts (operator and service reads); everything else names its account. */
export const ALL_ACCOUNTS = Symbol('all-accounts');
export type AccountScope = string | typeof ALL_ACCOUNTS;

export const scopeFilter = (scope: AccountScope): { accountId?: string } => (scope === ALL_ACCOUNTS ? {} : { accountId: scope });

/**
 * A unique index refused the write. FerretDB (the local database) answers a duplicate on insert with
 * MongoDB's 11000 but one on update (findAndModify, update) with InternalError and SQLite's message.
 */
export const isDuplicateKey = (err: unknown): boolean =>
  (err as { code?: number })?.code === 11000 || /UNIQUE constraint failed/.test(String((err as Error)?.message ?? ''));

/** The driver collection behind a model, typed with the document's own `_id` (mongoose types it as ObjectId). */
export const collectionOf = <T extends { _id: string }>(model: import('mongoose').Model<T>) =>
  model.collection as unknown as import('mongodb').Collection<T>;
