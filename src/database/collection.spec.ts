import type { Collection } from 'mongodb';
import { isDuplicateKey, wrapCollection } from './collection';

type Doc = { _id: string; n?: number };

/** An error as the local server words a write SQLite turned away while another connection wrote. */
const busy = () => Object.assign(new Error('[collection.go:179] database is locked (5) (SQLITE_BUSY)'), { code: 1 });

/** A stand-in collection: each method answers from the queue of outcomes given for it, and counts its calls. */
function fakeCollection(outcomes: Record<string, (() => unknown)[]>) {
  const calls: Record<string, number> = {};
  const collection = Object.fromEntries(
    Object.entries(outcomes).map(([method, queue]) => [
      method,
      async () => {
        calls[method] = (calls[method] ?? 0) + 1;
        return queue.shift()!();
      },
    ]),
  );
  return { collection: collection as unknown as Collection<Doc>, calls };
}

const fail = (err: unknown) => () => {
  throw err;
};

describe('wrapCollection', () => {
  afterEach(() => jest.useRealTimers());

  it('tries a write the database turned away as busy again until it goes through, and returns its result', async () => {
    const { collection, calls } = fakeCollection({ updateOne: [fail(busy()), fail(busy()), () => ({ matchedCount: 1 })] });
    const res = await wrapCollection(collection).updateOne({ _id: 'a' }, { $set: { n: 1 } });
    expect(res).toEqual({ matchedCount: 1 });
    expect(calls.updateOne).toBe(3);
  });

  it('gives a busy write up after 12 tries and throws the last busy error', async () => {
    jest.useFakeTimers();
    const { collection, calls } = fakeCollection({ deleteMany: Array.from({ length: 12 }, () => fail(busy())) });
    const attempt = wrapCollection(collection).deleteMany({});
    const settled = attempt.catch((err: unknown) => err);
    await jest.runAllTimersAsync();
    expect(String(await settled)).toMatch(/SQLITE_BUSY/);
    expect(calls.deleteMany).toBe(12);
  });

  it('tries a write that failed for any other reason once and throws its error as it is', async () => {
    const err = Object.assign(new Error('$inc on a string'), { code: 14 });
    const { collection, calls } = fakeCollection({ bulkWrite: [fail(err)] });
    await expect(wrapCollection(collection).bulkWrite([])).rejects.toBe(err);
    expect(calls.bulkWrite).toBe(1);
  });

  it("answers a unique index's refusal worded as SQLite's with MongoDB's duplicate-key code", async () => {
    const refusal = Object.assign(new Error("constraint failed: UNIQUE constraint failed: index 'c_tag_1' (2067)"), {
      code: 1,
      codeName: 'InternalError',
    });
    const { collection } = fakeCollection({ findOneAndUpdate: [fail(refusal)] });
    const err = await wrapCollection(collection)
      .findOneAndUpdate({ _id: 'a' }, { $set: { n: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBe(refusal);
    expect(err).toMatchObject({ code: 11000, codeName: 'DuplicateKey' });
    expect(isDuplicateKey(err)).toBe(true);
  });

  it('leaves reads as they are: a busy read is not tried again', async () => {
    const { collection, calls } = fakeCollection({ countDocuments: [fail(busy())] });
    await expect(wrapCollection(collection).countDocuments({})).rejects.toThrow(/SQLITE_BUSY/);
    expect(calls.countDocuments).toBe(1);
  });

  it('hands out one wrapped collection per driver collection, and wraps a wrapped one no further', async () => {
    const { collection, calls } = fakeCollection({ insertOne: [fail(busy()), () => ({ acknowledged: true })] });
    const once = wrapCollection(collection);
    expect(wrapCollection(collection)).toBe(once);
    expect(wrapCollection(once)).toBe(once);
    await wrapCollection(once).insertOne({ _id: 'a' });
    expect(calls.insertOne).toBe(2);
  });
});

describe('isDuplicateKey', () => {
  it("looks at MongoDB's code only", () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey(Object.assign(new Error('UNIQUE constraint failed'), { code: 1 }))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});
