/**
 * SQLite (the local FerretDB backend) lets one writer in at a time, and a transaction that must upgrade
 * its read lock while another connection writes fails at once with SQLITE_BUSY. Such a write did not
 * happen, and every write here is idempotent, so it is simply tried again after a short, jittered wait.
 * MongoDB never answers this way; the wrapper is then a no-op. Repositories never call it: every write of
 * the collection from collectionOf goes through it.
 */
const BUSY = /SQLITE_BUSY|database is locked/;
const MAX_TRIES = 12;

export const isBusy = (err: unknown): boolean => BUSY.test(String((err as Error)?.message ?? ''));

export async function retryBusy<T>(write: () => PromiseLike<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isBusy(err) || attempt >= MAX_TRIES) throw err;
      const ceiling = Math.min(2000, 10 * 2 ** attempt);
      await new Promise((r) => setTimeout(r, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}
