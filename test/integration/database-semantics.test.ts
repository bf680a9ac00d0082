import { Collection, MongoClient } from 'mongodb';
import { isDuplicateKey, wrapCollection } from '../../src/database/collection';
import { dropDatabase, testDatabaseUri } from '../support/app';

/**
 * What Herald relies on from the database, checked on the server the tests run against (the local
 * FerretDB with scripts/ferretdb.patch, or MongoDB): a guarded update is a compare-and-set under
 * concurrency, and the statements of one update command apply in order, each seeing the ones before it,
 * whichever way the server batches their writes.
 */
describe('database semantics Herald relies on', () => {
  const uri = testDatabaseUri('db-semantics');
  let client: MongoClient;
  let docs: Collection<{ _id: string; n?: number; owner?: string | null; tag?: string; log?: number[] }>;

  beforeAll(async () => {
    client = await new MongoClient(uri, { maxPoolSize: 20 }).connect();
    docs = client.db().collection('docs');
  });
  afterAll(async () => {
    await client.close();
    await dropDatabase(uri);
  });
  beforeEach(async () => {
    await docs.deleteMany({});
  });

  it('lets exactly one of many concurrent guarded updates take each document', async () => {
    await docs.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: `job-${i}`, owner: null })));
    const clients = Array.from({ length: 10 }, (_, c) => `worker-${c}`);
    const taken = await Promise.all(
      clients.map(async (worker) => {
        let n = 0;
        for (let i = 0; i < 100; i++)
          n += (await docs.updateOne({ _id: `job-${i}`, owner: null }, { $set: { owner: worker } })).modifiedCount;
        return n;
      }),
    );
    expect(taken.reduce((a, b) => a + b, 0)).toBe(100);
    expect(await docs.countDocuments({ owner: null })).toBe(0);
  });

  it('loses no increment when concurrent bulks read-modify-write the same documents', async () => {
    await docs.insertMany([
      { _id: 'a', n: 0 },
      { _id: 'b', n: 0 },
    ]);
    await Promise.all(
      Array.from({ length: 12 }, () =>
        docs.bulkWrite(
          Array.from({ length: 24 }, (_, i) => ({ updateOne: { filter: { _id: i % 2 ? 'a' : 'b' }, update: { $inc: { n: 1 } } } })),
          { ordered: false },
        ),
      ),
    );
    expect(await docs.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 144 },
      { _id: 'b', n: 144 },
    ]);
  });

  it('applies the statements of one bulk in order, each seeing the changes of the ones before', async () => {
    await docs.insertMany(Array.from({ length: 150 }, (_, i) => ({ _id: `d-${i}`, n: 0, log: [] })));
    const res = await docs.bulkWrite(
      [
        // Many documents, then the same ones again by _id: the second statement must see the first's $inc.
        ...Array.from({ length: 150 }, (_, i) => ({
          updateOne: { filter: { _id: `d-${i}` }, update: { $inc: { n: 1 }, $push: { log: 1 } } },
        })),
        ...Array.from({ length: 150 }, (_, i) => ({
          updateOne: { filter: { _id: `d-${i}`, n: 1 }, update: { $inc: { n: 1 }, $push: { log: 2 } } },
        })),
        // A filter on another field must see the changes made by _id just before it.
        { updateMany: { filter: { n: 2 }, update: { $set: { tag: 'both' } } } },
        { updateOne: { filter: { _id: 'd-7', tag: 'both' }, update: { $push: { log: 3 } } } },
        { updateOne: { filter: { _id: 'new' }, update: { $set: { n: 9 } }, upsert: true } },
        { updateOne: { filter: { _id: 'new', n: 9 }, update: { $inc: { n: 1 } } } },
      ],
      { ordered: false },
    );
    expect({ matched: res.matchedCount, modified: res.modifiedCount, upserted: res.upsertedCount }).toEqual({
      matched: 150 + 150 + 150 + 1 + 1,
      modified: 150 + 150 + 150 + 1 + 1,
      upserted: 1,
    });
    expect(await docs.countDocuments({ n: 2, tag: 'both' })).toBe(150);
    expect(await docs.findOne({ _id: 'd-7' })).toEqual({ _id: 'd-7', n: 2, log: [1, 2, 3], tag: 'both' });
    expect(await docs.findOne({ _id: 'new' })).toEqual({ _id: 'new', n: 10 });
  });

  it('keeps the writes before a statement that fails, and reports the failure', async () => {
    await docs.insertMany([
      { _id: 'x', n: 1 },
      { _id: 'y', n: 1 },
    ]);
    // Untyped: the typed collection would not let a test $inc a string field.
    const attempt = client
      .db()
      .collection<{ _id: string }>('docs')
      .bulkWrite(
        [
          { updateOne: { filter: { _id: 'x' }, update: { $inc: { n: 1 } } } },
          // $inc on a string field is an error on every server.
          { updateOne: { filter: { _id: 'y' }, update: { $set: { tag: 't' } } } },
          { updateOne: { filter: { _id: 'y' }, update: { $inc: { tag: 1 } } } },
        ],
        { ordered: true },
      );
    await expect(attempt).rejects.toThrow();
    expect(await docs.findOne({ _id: 'x' })).toEqual({ _id: 'x', n: 2 });
    expect(await docs.findOne({ _id: 'y' })).toEqual({ _id: 'y', n: 1, tag: 't' });
  });

  it('keeps the writes before one that breaks a unique index within the same bulk', async () => {
    await docs.createIndex({ tag: 1 }, { unique: true, name: 'tag_unique' });
    try {
      await docs.insertMany([{ _id: 'p' }, { _id: 'q' }, { _id: 'r' }].map((d) => ({ ...d, tag: `${d._id}-tag` })));
      const attempt = docs.bulkWrite(
        [
          { updateOne: { filter: { _id: 'p' }, update: { $set: { tag: 'taken' } } } },
          { updateOne: { filter: { _id: 'q' }, update: { $set: { tag: 'taken' } } } },
        ],
        { ordered: true },
      );
      // MongoDB answers E11000; the local FerretDB passes SQLite's UNIQUE constraint error through.
      await expect(attempt).rejects.toThrow(/E11000|UNIQUE constraint/);
      expect(
        await docs
          .find({}, { projection: { tag: 1 } })
          .sort({ _id: 1 })
          .toArray(),
      ).toEqual([
        { _id: 'p', tag: 'taken' },
        { _id: 'q', tag: 'q-tag' },
        { _id: 'r', tag: 'r-tag' },
      ]);
    } finally {
      await docs.dropIndex('tag_unique');
    }
  });

  describe('through the collection repositories write with', () => {
    const codeOf = (write: Promise<unknown>) =>
      write.then(
        () => 'written',
        (err: { code?: number }) => (isDuplicateKey(err) ? 'duplicate key' : `code ${err.code}`),
      );

    beforeEach(async () => {
      await docs.createIndex({ tag: 1 }, { unique: true, name: 'tag_unique' });
      await docs.insertMany([
        { _id: 'p', tag: 'taken' },
        { _id: 'q', tag: 'free' },
      ]);
    });
    afterEach(async () => {
      await docs.dropIndex('tag_unique');
    });

    it('a duplicate insert, of an _id or of a unique field, fails with code 11000', async () => {
      const written = wrapCollection(docs);
      expect(await codeOf(written.insertOne({ _id: 'p' }))).toBe('duplicate key');
      expect(await codeOf(written.insertOne({ _id: 'r', tag: 'taken' }))).toBe('duplicate key');
      expect(await codeOf(written.insertMany([{ _id: 'p' }], { ordered: false }))).toBe('duplicate key');
    });

    it('a duplicate update, whichever command writes it, fails with code 11000 and changes nothing', async () => {
      const written = wrapCollection(docs);
      const takeTag = { $set: { tag: 'taken' } };
      expect(await codeOf(written.updateOne({ _id: 'q' }, takeTag))).toBe('duplicate key');
      expect(await codeOf(written.updateMany({ _id: 'q' }, takeTag))).toBe('duplicate key');
      expect(await codeOf(written.findOneAndUpdate({ _id: 'q' }, takeTag, { returnDocument: 'after' }))).toBe('duplicate key');
      expect(await codeOf(written.replaceOne({ _id: 'q' }, { tag: 'taken' }))).toBe('duplicate key');
      expect(await codeOf(written.bulkWrite([{ updateOne: { filter: { _id: 'q' }, update: takeTag } }]))).toBe('duplicate key');
      expect(await docs.findOne({ _id: 'q' })).toEqual({ _id: 'q', tag: 'free' });
    });
  });

  it.each([
    ['without indexes', false],
    ['with an index on each field', true],
  ])('finds by string, $in, and date comparisons whatever shape the field has, arrays included (%s)', async (_label, indexed) => {
    const t = (day: number) => new Date(Date.UTC(2026, 10, day));
    const mixed = client.db().collection<Record<string, unknown> & { _id: string }>('mixed');
    if (indexed) {
      await mixed.createIndex({ status: 1 });
      await mixed.createIndex({ at: -1 });
    }
    await mixed.insertMany([
      { _id: 's', status: 'pending', at: t(1) },
      { _id: 'arr', status: ['sent', 'pending'], at: [t(30), t(2)] },
      { _id: 'other', status: 'sent', at: t(20) },
      { _id: 'missing' },
      { _id: 'null', status: null, at: null },
      { _id: 'number', status: 7, at: t(1).getTime() },
      { _id: 'nested', status: { state: 'pending' }, at: { d: t(1) } },
      { _id: 'bracket', status: '[pending]', at: '[2026]' },
      { _id: 'text', status: 'pending ', at: 'soon' },
    ]);
    const ids = async (filter: Record<string, unknown>) =>
      (await mixed.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort();
    expect(await ids({ status: 'pending' })).toEqual(['arr', 's']);
    expect(await ids({ status: { $in: ['pending', 'nope'] } })).toEqual(['arr', 's']);
    expect(await ids({ at: { $lte: t(2) } })).toEqual(['arr', 's']);
    expect(await ids({ at: { $gt: t(10) } })).toEqual(['arr', 'other']);
    expect(await ids({ at: { $gte: t(1), $lt: t(2) } })).toEqual(['s']);
    expect(await ids({ at: t(20) })).toEqual(['other']);
    expect(await ids({ status: 'pending', at: { $lte: t(1) } })).toEqual(['s']);
    expect(await ids({ status: null })).toEqual(['missing', 'null']);
    expect(await mixed.countDocuments({ status: 'sent' })).toBe(2);
    await mixed.drop();
  });
});
