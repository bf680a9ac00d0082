import { MongoClient } from 'mongodb';
import type { WorkStats } from '../../src/delivery/delivery.worker';
import type { Channel } from '../../src/lifecycle';
import { BenchDb, databaseUri, dropDatabase } from '../db';
import { seedAccounts } from '../seed';
import { SmtpCounter } from '../smtp-counter';
import { Child } from '../spawn';
import { accountsFor, NOW_MS, seedDue, Timed } from './pass';

export interface DeliveryRun {
  channel: Channel;
  sent: number;
  ms: number;
  perSec: number;
  /** Herald's CPU time per message sent (ms): what the rate costs the one process that sends. */
  cpuMsPer: number;
  /** Time Herald's event loop was busy per message sent (ms); the rest of the wall time it waited for I/O. */
  busyMsPer: number;
  /** Messages the SMTP sink accepted (email only): every sent email must have arrived. */
  received: number | null;
  /** The untimed round sent first in the same process (see deliveryRun), for comparison. */
  warmUp: { sent: number; perSec: number; cpuMsPer: number };
  peakRssBytes: number;
}

/**
 * Issue item 4: deliveries made the real way (due resources, a scheduler pass and fan-out, not timed) on one
 * channel, then one timed delivery round that sends them all: in-site messages into the inbox, or emails to a
 * local SMTP sink through Herald's pooled transport.
 *
 * A running Herald is warm; a new process spends its first few hundred messages compiling the code that sends
 * them (about twice the CPU per email). So `warmUp` more are made and sent first in an untimed round of their
 * own, held back meanwhile from the timed one by a retry time far ahead, which is then cleared.
 */
export async function deliveryRun(
  server: BenchDb,
  run: number,
  channel: 'inbox' | 'email',
  count: number,
  warmUp: number,
  env: Record<string, string>,
): Promise<DeliveryRun> {
  const uri = databaseUri(server.uri, `bench_deliver_${channel}_${run}`);
  await dropDatabase(uri);
  const client = new MongoClient(uri);
  const sink = channel === 'email' ? await SmtpCounter.start() : null;
  // Three recipients per notice on one channel; a few due resources yield two notices, so this is at least `count`.
  const due = Math.ceil((count + warmUp) / 3);
  try {
    const db = client.db();
    await seedAccounts(db, accountsFor(due), NOW_MS, [channel]);
    await seedDue(db, due, accountsFor(due));
    const child = Child.start();
    try {
      await child.call('start', {
        uri,
        nowMs: NOW_MS,
        // The per-second send limit protects a real provider's quota; the local sink has none.
        env: { ...(sink ? { SMTP_URL: sink.url, RATE_LIMIT_EMAIL_PER_SEC: '100000' } : {}), ...env },
      });
      await child.call('pass');
      await child.call('fanout');
      // Mandatory channels (in-site for some types, email for others) add deliveries on the other channel: not this figure's.
      await db.collection('deliveries').deleteMany({ channel: { $ne: channel } });
      const deliveries = db.collection<{ _id: string }>('deliveries');
      const held = await deliveries.find({}, { projection: { _id: 1 }, sort: { _id: 1 }, skip: warmUp }).toArray();
      const later = { _id: { $in: held.map((d) => d._id) } };
      await deliveries.updateMany(later, { $set: { retryAt: new Date(Date.now() + 3_600_000) } });
      const warm = await child.call<Timed<WorkStats>>('deliver');
      await deliveries.updateMany(later, { $set: { retryAt: null } });
      const before = sink?.received ?? 0;
      const work = await child.call<Timed<WorkStats>>('deliver');
      return {
        channel,
        sent: work.result.sent,
        ms: work.ms,
        perSec: (work.result.sent / work.ms) * 1000,
        cpuMsPer: work.cpuMs / work.result.sent,
        busyMsPer: work.busyMs / work.result.sent,
        received: sink ? sink.received - before : null,
        warmUp: { sent: warm.result.sent, perSec: (warm.result.sent / warm.ms) * 1000, cpuMsPer: warm.cpuMs / warm.result.sent },
        peakRssBytes: work.peakRssBytes,
      };
    } finally {
      await child.close();
    }
  } finally {
    await sink?.stop();
    await client.close();
    await dropDatabase(uri);
  }
}
