import { MongoClient } from 'mongodb';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FanoutService } from '../../src/delivery/fanout.service';
import { startTestApp, testDatabaseUri } from '../support/app';
import { startPeers, Peers } from '../support/peers';
import { HeraldProcess, startHerald } from './support/herald-process';

// 1,250 notices × (in-site, email, SMS, WeChat) for one member each = 5,000 deliveries.
const ACCOUNTS = 50;
const RESOURCES_PER_ACCOUNT = 25;
const KILLS = 10;
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'faults');

/**
 * Crash safety: two Herald processes deliver 5,000 messages while one of them is killed with SIGKILL
 * ten times at random moments and started again. Afterwards every delivery is sent, and each reached its
 * recipient once: in-site by its id, email by its Message-ID, SMS by Twilio's own message list (Twilio
 * cannot drop a repeat, so Herald must never send one), WeChat by client_msg_id.
 */
describe('crash safety', () => {
  const uri = testDatabaseUri('crash-safety');
  let peers: Peers;
  let client: MongoClient;
  const processes: HeraldProcess[] = [];

  beforeAll(async () => {
    peers = await startPeers();
    client = await MongoClient.connect(uri);
    const setup = await startTestApp('crash-setup', {
      databaseUri: uri,
      keepDatabase: true,
      env: { ...peers.env, SCHEDULER_ENABLED: 'false', DELIVERY_ENABLED: 'false' },
    });
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    for (let a = 0; a < ACCOUNTS; a++) {
      const acc = `crash-acc-${a}`;
      await setup
        .http()
        .put(`/v1/accounts/${acc}`)
        .set(setup.serviceKey)
        .send({
          name: `Crash ${a}`,
          creator: {
            id: `owner-${a}`,
            name: `Owner ${a}`,
            locale: 'en-US',
            contacts: {
              email: { value: `owner-${a}@crash.test`, verified: true },
              phone: { value: `+86139${String(a).padStart(8, '0')}`, verified: true },
            },
          },
        })
        .expect(200);
      await setup
        .http()
        .put(`/v1/members/owner-${a}/contacts/wechat?accountId=${acc}`)
        .set(setup.serviceKey)
        .send({ openid: `openid-owner-${a}` })
        .expect(200);
      const events = [];
      for (let r = 0; r < RESOURCES_PER_ACCOUNT; r++) {
        const resourceId = `crash-${a}-${r}`;
        const common = { accountId: acc, resourceId };
        events.push(
          {
            ...common,
            id: `buy-${resourceId}`,
            type: 'resource.purchased',
            occurredAt: iso(now - 60_000),
            data: { product: 'tpns', name: resourceId, expiresAt: iso(now + 20 * 86_400_000) },
          },
          { ...common, id: `stop-${resourceId}`, type: 'resource.stopped', occurredAt: iso(now - 1_000), data: { reason: 'manual' } },
        );
      }
      await setup.http().post('/v1/events').set(setup.serviceKey).send({ events }).expect(200);
    }
    const fanout = setup.app.get(FanoutService);
    while ((await fanout.run()) > 0);
    await setup.close();
  }, 600_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    // The workers' logs, for a failure's post-mortem.
    mkdirSync(ARTIFACTS, { recursive: true });
    processes.forEach((p, i) => writeFileSync(path.join(ARTIFACTS, `crash-safety-worker-${i}.log`), p.output()));
    await client?.close();
    await peers?.stop();
  });

  const deliveries = () =>
    client.db().collection<{
      _id: string;
      channel: string;
      status: string;
      providerMessageId: string | null;
      inFlightSince?: Date | null;
      attempts?: unknown[];
      retryAt?: Date | null;
      leaseUntil?: Date | null;
    }>('deliveries');

  it('delivers 5,000 messages exactly once while one of two workers is killed ten times', async () => {
    const expected = await deliveries().find({}).toArray();
    const byChannel = (channel: string) => expected.filter((d) => d.channel === channel);
    expect(expected.length).toBe(5_000);
    for (const channel of ['inbox', 'email', 'sms', 'wechat']) expect(byChannel(channel)).toHaveLength(1_250);

    const env = {
      ...peers.env,
      MONGODB_URI: uri,
      SCHEDULER_ENABLED: 'false',
      LEASE_MS: '15000',
      DELIVERY_INTERVAL_MS: '200',
      DELIVERY_BATCH_SIZE: '200',
      DELIVERY_BACKOFF_BASE_MS: '200',
      DELIVERY_MAX_ATTEMPTS: '20',
      // Slow enough (about 40 s for the backlog) that ten kills and restarts (2–3 s each) all land mid-work.
      RATE_LIMIT_EMAIL_PER_SEC: '15',
      RATE_LIMIT_SMS_PER_SEC: '15',
      RATE_LIMIT_WECHAT_PER_SEC: '15',
    };
    const steady = await startHerald('worker-a', env);
    processes.push(steady);
    let victim = await startHerald('worker-b', env);
    processes.push(victim);

    const pendingAtKill: number[] = [];
    const pending = () => deliveries().countDocuments({ status: 'pending' });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const backlog = await pending();
    for (let k = 0; k < KILLS; k++) {
      // The kills follow the backlog, however fast it goes: the k-th lands once about (k + 1) / (KILLS + 2) of
      // it is sent, at a random moment at least 0.3 s after the last restart, and within 5 s in any case.
      const target = backlog * (1 - (k + 1) / (KILLS + 2));
      const until = Date.now() + 5_000;
      await sleep(300 + Math.random() * 500);
      while (Date.now() < until && (await pending()) > target) await sleep(50);
      pendingAtKill.push(await pending());
      await victim.kill('SIGKILL');
      victim = await startHerald(`worker-b-${k + 1}`, env);
      processes.push(victim);
    }
    process.stdout.write(`pending deliveries at each SIGKILL: ${pendingAtKill.join(', ')}\n`);
    const started = Date.now();
    // Every kill landed while deliveries were still waiting (otherwise it proves nothing).
    for (const pending of pendingAtKill) expect(pending).toBeGreaterThan(0);

    const deadline = Date.now() + 600_000;
    while ((await deliveries().countDocuments({ status: { $ne: 'sent' } })) > 0) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    process.stdout.write(`all sent ${Math.round((Date.now() - started) / 1000)} s after the last kill\n`);
    const done = await deliveries().find({}).toArray();
    const unsent = done.filter((d) => d.status !== 'sent');
    expect(
      unsent.slice(0, 5).map((d) => ({
        id: d._id,
        status: d.status,
        inFlightSince: d.inFlightSince,
        attempts: d.attempts,
        retryAt: d.retryAt,
        leaseUntil: d.leaseUntil,
      })),
    ).toEqual([]);

    // In-site: one inbox message per delivery, keyed by the delivery id.
    const inbox = await client
      .db()
      .collection('inbox')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    expect(new Set(inbox.map((m) => String(m._id)))).toEqual(new Set(byChannel('inbox').map((d) => d._id)));

    // Email: every delivery's Message-ID reached the mailbox; a repeat after a crash carries the same Message-ID.
    const mailIds = peers.smtp.messages.map((m) => String(m.headers['x-herald-delivery-id']));
    expect(new Set(mailIds)).toEqual(new Set(byChannel('email').map((d) => d._id)));
    const messageIds = new Map<string, Set<string>>();
    for (const m of peers.smtp.messages) {
      const id = String(m.headers['x-herald-delivery-id']);
      messageIds.set(id, (messageIds.get(id) ?? new Set()).add(String(m.headers['message-id'])));
    }
    for (const ids of messageIds.values()) expect(ids.size).toBe(1);

    // SMS: Twilio has exactly one message per delivery, the one recorded on it.
    const sms = byChannel('sms').map((d) => done.find((x) => x._id === d._id)!);
    expect(peers.twilio.messages).toHaveLength(1_250);
    expect(new Set(sms.map((d) => d.providerMessageId))).toEqual(new Set(peers.twilio.messages.map((m) => m.sid)));

    // WeChat: each client_msg_id delivered once (a repeat would show in `duplicates`, dropped by WeChat).
    const wechat = peers.wechat.delivered.map((m) => m.client_msg_id);
    expect(wechat).toHaveLength(1_250);
    expect(new Set(wechat)).toEqual(new Set(byChannel('wechat').map((d) => d._id)));

    process.stdout.write(
      `crash safety: ${KILLS} kills; emails received ${peers.smtp.messages.length} for 1,250 deliveries ` +
        `(repeats with the same Message-ID: ${peers.smtp.messages.length - 1_250}); WeChat repeats dropped by client_msg_id: ` +
        `${peers.wechat.duplicates.length}; SMS sent ${peers.twilio.messages.length}\n`,
    );
  }, 900_000);
});
