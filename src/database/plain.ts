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
