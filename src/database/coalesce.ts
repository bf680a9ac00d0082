/** What one write of a coalesced batch came to: its result, or the error it alone met. */
export type WriteOutcome<R> = { value: R } | { error: unknown };

/**
 * Gathers single-document writes issued concurrently into one bulk command: the first write goes out at the
 * next turn of the event loop with whatever else arrived meanwhile, and writes that arrive while a bulk is on
 * its way go together in the next one. Each caller's promise settles with its own write, so callers see no
 * difference but fewer round trips (the delivery worker's concurrent sends mark and finish a few dozen at a
 * time; on the local FerretDB every command costs milliseconds, and concurrent ones queue for SQLite's lock).
 * Alone, a write waits one tick.
 */
export class WriteCoalescer<T, R = void> {
  private queue: { item: T; ok: (value: R) => void; fail: (err: unknown) => void }[] = [];
  private flushing = false;

  /** `flush` writes a batch and returns each item's outcome; when it throws, every item of the batch fails with the error. */
  constructor(
    private readonly flush: (items: T[]) => Promise<WriteOutcome<R>[]>,
    private readonly maxBatch = 500,
  ) {}

  write(item: T): Promise<R> {
    return new Promise<R>((ok, fail) => {
      this.queue.push({ item, ok, fail });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.flush(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const o = outcomes[i];
          if ('error' in o) b.fail(o.error);
          else b.ok(o.value);
        });
      } catch (err) {
        for (const b of batch) b.fail(err);
      }
    }
    this.flushing = false;
  }
}

/** The write error of each operation of an unordered bulk write (a MongoBulkWriteError's writeErrors), or null if it has none. */
export function writeErrorsByIndex(err: unknown, count: number): (unknown | null)[] | null {
  const e = err as { writeErrors?: { index: number }[] | { index: number } };
  if (!e?.writeErrors) return null;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  const out: (unknown | null)[] = new Array(count).fill(null);
  for (const w of list) out[w.index] = w;
  return out;
}
