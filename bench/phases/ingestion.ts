import autocannon from 'autocannon';
import { MongoClient, type AnyBulkWriteOperation, type Db, type Document } from 'mongodb';
import { DEV_API_KEY } from '../../src/config/config';
import { DAY_MS } from '../../src/lifecycle';
import { BenchDb, databaseUri, dropDatabase } from '../db';
import { synthetic } from '../population';
import { copyIndexes, seedAccounts } from '../seed';
import { Child } from '../spawn';
import { accountsFor, NOW_MS } from './pass';

export interface IngestionRun {
  events: number;
  requests: number;
  ms: number;
  eventsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number };
  non2xx: number;
  baseline: { upserts: number; ms: number; perSec: number };
  ratio: number;
}

/**
 * The requests of one run, in order: three quarters buy new resources (one purchase event each), the last
 * quarter renews resources bought in the first requests (long finished, so no two requests in flight touch
 * one resource). Returns each request's body and the resource ids it names.
 */
function eventBatches(run: number, events: number, batch: number, accounts: number): { body: string; ids: string[] }[] {
  const requests = Math.ceil(events / batch);
  const purchases = Math.ceil(requests * 0.75);
  const occurredAt = new Date(NOW_MS - DAY_MS).toISOString();
  const out: { body: string; ids: string[] }[] = [];
  for (let k = 0; k < requests; k++) {
    const renewal = k >= purchases;
    const first = (renewal ? k - purchases : k) * batch;
    const list = [];
    for (let i = first; i < first + batch; i++) {
      const { resource: r } = synthetic(i, NOW_MS, accounts, false);
      const base = { occurredAt, accountId: r.accountId, resourceId: r.id };
      list.push(
        renewal
          ? {
              ...base,
              id: `r${run}-renew-${i}`,
              type: 'resource.renewed',
              version: 2,
              data: { expiresAt: new Date(r.expiresAt!.getTime() + 365 * DAY_MS).toISOString() },
            }
          : {
              ...base,
              id: `r${run}-buy-${i}`,
              type: 'resource.purchased',
              version: 1,
              data: {
                product: r.product,
                name: r.name,
                region: r.region,
                expiresAt: r.expiresAt!.toISOString(),
                autoRenew: r.autoRenew,
                attributes: r.attributes,
                ...(r.quota !== null ? { quota: r.quota, usage: r.usage } : {}),
              },
            },
      );
    }
    out.push({ body: JSON.stringify({ events: list }), ids: list.map((e) => e.resourceId) });
  }
  return out;
}

/**
 * The raw driver on the same documents: the resources as Herald stored them, upserted by id with bulkWrite
 * in the same batches and order (purchases insert, renewals update), with as many batches in flight as the
 * load generator had connections, into a collection with the resources' indexes.
 */
async function upsertBaseline(db: Db, batches: { ids: string[] }[], inFlight: number) {
  const target = db.collection('baseline_resources');
  await copyIndexes(db.collection('resources'), target);
  const ops: AnyBulkWriteOperation<Document>[][] = [];
  for (const [k, b] of batches.entries()) {
    const docs = await db
      .collection('resources')
      .find({ _id: { $in: b.ids as any[] } })
      .toArray();
    ops.push(
      docs.map(({ _id, ...fields }) => ({
        updateOne: { filter: { _id }, update: { $set: { ...fields, baselineRequest: k } }, upsert: true },
      })),
    );
  }
  let next = 0;
  let upserts = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ops.length) {
        const batch = ops[next++];
        await target.bulkWrite(batch, { ordered: false });
        upserts += batch.length;
      }
    }),
  );
  const ms = performance.now() - t0;
  return { upserts, ms, perSec: (upserts / ms) * 1000 };
}

/** Issue item 3: POST /v1/events in batches from autocannon on 127.0.0.1, against bulkWrite upserts. */
export async function ingestionRun(
  server: BenchDb,
  run: number,
  opts: { events: number; batch: number; connections: number },
  env: Record<string, string>,
): Promise<IngestionRun> {
  const uri = databaseUri(server.uri, `bench_ingest_${run}`);
  await dropDatabase(uri);
  const client = new MongoClient(uri);
  const accounts = accountsFor(opts.events);
  try {
    await seedAccounts(client.db(), accounts, NOW_MS);
    const batches = eventBatches(run, opts.events, opts.batch, accounts);
    const child = Child.start();
    let result: autocannon.Result;
    let ms: number;
    try {
      const { port } = await child.call<{ port: number }>('start', {
        uri,
        nowMs: NOW_MS,
        listen: true,
        // The per-key request limit protects a shared instance; the benchmark is the only caller.
        env: { ...env, EVENTS_RATE_LIMIT: '1000000' },
      });
      let k = 0;
      const t0 = performance.now();
      result = await autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: opts.connections,
        amount: batches.length,
        timeout: 300,
        requests: [
          {
            method: 'POST',
            path: '/v1/events',
            headers: { 'content-type': 'application/json', 'x-api-key': DEV_API_KEY },
            setupRequest: (req) => ({ ...req, body: batches[k++ % batches.length].body }),
          },
        ],
      });
      ms = performance.now() - t0;
    } finally {
      await child.close();
    }
    const events = batches.length * opts.batch;
    const eventsPerSec = (events / ms) * 1000;
    const baseline = await upsertBaseline(client.db(), batches, opts.connections);
    return {
      events,
      requests: batches.length,
      ms,
      eventsPerSec,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      non2xx: result.non2xx + result.errors,
      baseline,
      ratio: eventsPerSec / baseline.perSec,
    };
  } finally {
    await client.close();
    await dropDatabase(uri);
  }
}
