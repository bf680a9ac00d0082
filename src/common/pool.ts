/** At most `limit` calls of `run` under way at once, across all callers; the others wait their turn in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Batches a claim loop (scheduler pass, fan-out, delivery round) keeps under way: while one batch's writes
 * go out, the next is read and claimed.
 */
export const BATCHES_UNDER_WAY = 2;

/**
 * Runs `fn` over what `items` yields with at most `limit` calls under way: the next item is taken while
 * earlier ones are still being worked on. The first failure stops taking items; the calls under way are
 * awaited, then it is thrown.
 */
export async function forEachUnderWay<T>(items: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const underWay = new Set<Promise<void>>();
  let failure: { err: unknown } | null = null;
  try {
    for await (const item of items) {
      const call: Promise<void> = fn(item)
        .catch((err: unknown) => void (failure ??= { err }))
        .finally(() => underWay.delete(call));
      underWay.add(call);
      if (underWay.size >= limit) await Promise.race(underWay);
      if (failure) break;
    }
  } finally {
    await Promise.all(underWay);
  }
  if (failure) throw (failure as { err: unknown }).err;
}
