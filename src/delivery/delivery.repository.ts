import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { docBatches, insertManyNew, leaseAsRead } from '../database/bulk';
import { WriteCoalescer, writeErrorsByIndex } from '../database/coalesce';
import { collectionOf } from '../database/collection';
import { plain, Plain } from '../database/plain';
import type { Channel } from '../lifecycle/message-types';
import { FAILED_STATUSES, statusesBefore, TwilioStatus } from './channels/sms/twilio-status';
import { Attempt, DELIVERY, DeliveryDoc, DeliveryStatus } from './delivery.schema';

export type Delivery = Plain<DeliveryDoc>;
/** Written with the driver itself: these bulks are the delivery worker's hottest writes, and their values are already typed. */
type DeliveryBulkOp = AnyBulkWriteOperation<DeliveryDoc>;

/** The driver would store an undefined field as null; the attempt log leaves it out. */
const definedFields = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export interface DeliveryFilter {
  resourceId?: string;
  noticeId?: string;
  memberId?: string;
  channel?: Channel;
  status?: DeliveryStatus;
}

@Injectable()
export class DeliveryRepository {
  private readonly deliveries: Collection<DeliveryDoc>;

  constructor(@InjectModel(DELIVERY) private readonly model: Model<DeliveryDoc>) {
    this.deliveries = collectionOf(model);
  }

  /** Inserts unordered; a delivery whose id exists is left as it is. Returns how many were new. */
  async insertNew(docs: DeliveryDoc[]): Promise<number> {
    if (docs.length === 0) return 0;
    return docs.length - (await insertManyNew(this.deliveries, docs)).size;
  }

  /**
   * The deliveries ready to go (pending, due in domain time, past any retry time, not leased), oldest first,
   * `size` at a time from one cursor, so a delivery round reads them once rather than once per batch (see
   * docBatches). They are candidates: `claim` leases them.
   */
  async *readyBatches(domainNow: Date, wallNow: Date, size: number): AsyncGenerator<Delivery[]> {
    const cursor = this.deliveries.find<DeliveryDoc>(readyFilter(domainNow, wallNow)).sort({ notBefore: 1 }).batchSize(size);
    for await (const docs of docBatches(cursor, size)) yield docs.map((d) => plain(d));
  }

  /**
   * Leases candidates from readyBatches under a new token, in one bulk write. A candidate is leased only if
   * it is still ready and still has the attempt count, deferrals and in-flight mark it was read with: every
   * write that leaves a delivery ready (a finish that schedules a retry, an in-flight mark) changes one of
   * them, so what was read is what was leased, and the documents need no second read. When fewer were leased
   * than offered (another worker took some, or they changed since the read), the leased ones are read back.
   *
   * Candidates for which `unleased` holds (single messages on a channel whose sends are idempotent: the in-site
   * inbox writes under the delivery id) are not leased but handed back as read: sending one twice changes
   * nothing, and its finish is guarded by what it was read with (see finish), so of two workers that send it,
   * one records the attempt. That spares them a write each; two workers may then do the same in-site work,
   * never record it twice.
   */
  async claim(
    candidates: Delivery[],
    domainNow: Date,
    wallNow: Date,
    leaseMs: number,
    unleased: (d: Delivery) => boolean = () => false,
  ): Promise<{ token: string; deliveries: Delivery[] }> {
    const token = randomUUID();
    const leaseUntil = new Date(wallNow.getTime() + leaseMs);
    const leased = await leaseAsRead(
      this.deliveries,
      candidates.filter((d) => !unleased(d)),
      {
        filter: readyFilter(domainNow, wallNow),
        guard: (d) => ({ attemptCount: d.attemptCount ?? null, deferrals: d.deferrals ?? null, inFlightSince: d.inFlightSince ?? null }),
        set: { leaseUntil, leaseToken: token },
        tokenField: 'leaseToken',
        token,
        leased: (d) => ({ ...d, leaseUntil, leaseToken: token }),
      },
    );
    return { token, deliveries: [...leased, ...candidates.filter(unleased)] };
  }

  /** Adds to a claim the other ready deliveries of the same digests, so each digest goes out as one message. */
  async claimDigestSiblings(digestKeys: string[], token: string, domainNow: Date, wallNow: Date, leaseMs: number): Promise<Delivery[]> {
    if (digestKeys.length === 0) return [];
    const ready = readyFilter(domainNow, wallNow);
    await this.deliveries.updateMany(
      { digestKey: { $in: digestKeys }, ...ready },
      { $set: { leaseUntil: new Date(wallNow.getTime() + leaseMs), leaseToken: token } },
    );
    const docs = await this.model.find({ digestKey: { $in: digestKeys }, leaseToken: token }).lean<DeliveryDoc[]>();
    return docs.map((d) => plain(d));
  }

  /**
   * Marks a send as under way and renews the lease for it, so a batch that waited long for its turn does
   * not send on a lease about to lapse; false if the lease was lost meanwhile (another worker owns it now).
   */
  markInFlight(ids: string[], token: string, wallNow: Date, leaseMs: number): Promise<boolean> {
    return this.inFlightMarks.write({ ids, token, wallNow, leaseMs });
  }

  /**
   * Marks of concurrent sends are written together (see WriteCoalescer): one updateMany per claim token, with
   * the earliest start among them (an interrupted send is then looked for from a moment sooner, never later)
   * and the latest lease end. When the matched count falls short, each send is told whether all its
   * deliveries still carry its token.
   */
  private readonly inFlightMarks = new WriteCoalescer<{ ids: string[]; token: string; wallNow: Date; leaseMs: number }, boolean>(
    async (marks) => {
      const byToken = new Map<string, { ids: string[]; since: number; until: number }>();
      for (const m of marks) {
        const g = byToken.get(m.token) ?? { ids: [], since: Infinity, until: 0 };
        g.ids.push(...m.ids);
        g.since = Math.min(g.since, m.wallNow.getTime());
        g.until = Math.max(g.until, m.wallNow.getTime() + m.leaseMs);
        byToken.set(m.token, g);
      }
      const ops: DeliveryBulkOp[] = [...byToken].map(([token, g]) => ({
        updateMany: {
          filter: { _id: { $in: g.ids }, leaseToken: token },
          update: { $set: { inFlightSince: new Date(g.since), leaseUntil: new Date(g.until) } },
        },
      }));
      const res = await this.deliveries.bulkWrite(ops, { ordered: false });
      if (res.matchedCount === marks.reduce((n, m) => n + m.ids.length, 0)) return marks.map(() => ({ value: true }));
      const docs = await this.model
        .find({ _id: { $in: marks.flatMap((m) => m.ids) } }, { leaseToken: 1 })
        .lean<{ _id: string; leaseToken: string | null }[]>();
      const tokens = new Map(docs.map((d) => [d._id, d.leaseToken]));
      return marks.map((m) => ({ value: m.ids.every((id) => tokens.get(id) === m.token) }));
    },
  );

  /**
   * Records an attempt (if any) and the delivery's new state, releasing the lease. A delivery claimed under
   * `token` is finished only while it still carries that token; one handed out unleased (see claim) only
   * while it is still pending with the lease token, attempt count and deferrals it was read with, which the
   * first finish of it changes: a second worker that sent it too records nothing.
   */
  async finish(
    delivery: Delivery,
    token: string,
    change: {
      status: DeliveryStatus;
      reason?: string | null;
      retryAt?: Date | null;
      attempt?: Attempt;
      providerMessageId?: string | null;
      deferred?: boolean;
      sentWith?: string;
      /** When the attempt that left the outcome in doubt began; the next attempt asks before sending. */
      inFlightSince?: Date | null;
    },
    wallNow: Date,
  ): Promise<void> {
    const set: Record<string, unknown> = {
      status: change.status,
      reason: change.reason ?? null,
      retryAt: change.retryAt ?? null,
      inFlightSince: change.inFlightSince ?? null,
      leaseUntil: null,
      leaseToken: null,
      updatedAt: wallNow,
    };
    if (change.status === 'sent') set.sentAt = wallNow;
    if (change.providerMessageId) set.providerMessageId = change.providerMessageId;
    if (change.sentWith) set.sentWith = change.sentWith;
    const inc: Record<string, number> = {};
    if (change.attempt && change.attempt.outcome !== 'deferred') inc.attemptCount = 1;
    if (change.deferred) inc.deferrals = 1;
    const filter =
      delivery.leaseToken === token
        ? { _id: delivery.id, leaseToken: token }
        : {
            _id: delivery.id,
            status: 'pending' as const,
            leaseToken: delivery.leaseToken ?? null,
            attemptCount: delivery.attemptCount,
            deferrals: delivery.deferrals,
          };
    await this.finishes.write({
      updateOne: {
        filter,
        update: {
          $set: set,
          ...(change.attempt ? { $push: { attempts: definedFields(change.attempt) } } : {}),
          ...(Object.keys(inc).length ? { $inc: inc } : {}),
        },
      },
    });
  }

  /**
   * The worker's concurrent sends finish together in one bulk write: one round trip for a few dozen finishes.
   */
  private readonly finishes = new WriteCoalescer<DeliveryBulkOp>(async (ops) => {
    try {
      await this.deliveries.bulkWrite(ops, { ordered: false });
      return ops.map(() => ({ value: undefined }));
    } catch (err) {
      const errors = writeErrorsByIndex(err, ops.length);
      if (!errors) throw err;
      return errors.map((e) => (e ? { error: e } : { value: undefined }));
    }
  });

  async list(accountId: string, filter: DeliveryFilter, limit: number, offset: number): Promise<{ items: Delivery[]; total: number }> {
    const query = {
      accountId,
      ...(filter.resourceId ? { resourceIds: filter.resourceId } : {}),
      ...(filter.noticeId ? { noticeIds: filter.noticeId } : {}),
      ...(filter.memberId ? { memberId: filter.memberId } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    };
    const [docs, total] = await Promise.all([
      this.model.find(query).sort({ createdAt: -1, _id: 1 }).skip(offset).limit(limit).lean<DeliveryDoc[]>(),
      this.model.countDocuments(query),
    ]);
    return { items: docs.map((d) => plain(d)), total };
  }

  /** Per notice: for each channel, how many deliveries are in each status. */
  async summarise(accountId: string, noticeIds: string[]): Promise<Map<string, Record<string, Record<string, number>>>> {
    const out = new Map<string, Record<string, Record<string, number>>>();
    if (noticeIds.length === 0) return out;
    const docs = await this.model
      .find({ accountId, noticeIds: { $in: noticeIds } }, { noticeIds: 1, channel: 1, status: 1 })
      .lean<Pick<DeliveryDoc, 'noticeIds' | 'channel' | 'status'>[]>();
    const wanted = new Set(noticeIds);
    for (const d of docs) {
      for (const noticeId of d.noticeIds.filter((n) => wanted.has(n))) {
        const byChannel = out.get(noticeId) ?? {};
        const byStatus = (byChannel[d.channel] ??= {});
        byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
        out.set(noticeId, byChannel);
      }
    }
    return out;
  }

  /** Twilio's status callback names only the message SID: the one cross-account lookup here. */
  async findByProviderMessageId(providerMessageId: string): Promise<Delivery | null> {
    return plain(await this.model.findOne({ providerMessageId }).lean<DeliveryDoc>());
  }

  /**
   * Records a Twilio status if it moves the delivery forward: the filter names the statuses it may move from, so a
   * replayed or late older status changes nothing even when callbacks race, and a failure fails the delivery in
   * the same write (its status and provider status always agree). Returns whether it moved.
   */
  async recordProviderStatus(
    accountId: string,
    id: string,
    status: TwilioStatus,
    errorCode: string | null,
    wallNow: Date,
  ): Promise<boolean> {
    const failed = FAILED_STATUSES.includes(status);
    const res = await this.deliveries.updateOne(
      { _id: id, accountId, providerStatus: { $in: [null, ...statusesBefore(status)] } },
      {
        $set: {
          providerStatus: status,
          providerErrorCode: errorCode,
          updatedAt: wallNow,
          ...(failed ? { status: 'failed', reason: `provider reported ${status}${errorCode ? ` (${errorCode})` : ''}` } : {}),
        },
      },
    );
    return res.modifiedCount > 0;
  }

  /** Retention sweep: up to `limit` ids of deliveries in a final status created before `cutoff`, whichever account. */
  async finalIdsCreatedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const docs = await this.model
      .find({ ...FINISHED, createdAt: { $lt: cutoff } }, { _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /** Deletes those of `ids` that are still final and older than `cutoff` (another sweep may have taken some); returns how many. */
  async deleteFinalCreatedBefore(ids: string[], cutoff: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.deliveries.deleteMany({ _id: { $in: ids }, ...FINISHED, createdAt: { $lt: cutoff } });
    return res.deletedCount;
  }

  /** Retention sweep: up to `limit` final deliveries of the given resources, with the fields that lead to the inbox messages they made. */
  async finalOfResources(accountIds: string[], resourceIds: string[], limit: number): Promise<RetainedDelivery[]> {
    const docs = await this.model
      .find({ accountId: { $in: accountIds }, resourceIds: { $in: resourceIds }, ...FINISHED }, RETAINED_FIELDS)
      .limit(limit)
      .lean<DeliveryDoc[]>();
    return docs.map((d) => plain(d));
  }

  /** Every delivery of the given digests: which resources each digest message carried. */
  async ofDigests(digestKeys: string[]): Promise<RetainedDelivery[]> {
    if (digestKeys.length === 0) return [];
    const docs = await this.model.find({ digestKey: { $in: digestKeys } }, RETAINED_FIELDS).lean<DeliveryDoc[]>();
    return docs.map((d) => plain(d));
  }

  /** Which of the given resources still have a delivery pending or in flight. */
  async resourcesWithPending(accountIds: string[], resourceIds: string[]): Promise<string[]> {
    const docs = await this.model
      .find({ accountId: { $in: accountIds }, resourceIds: { $in: resourceIds }, status: 'pending' }, { resourceIds: 1 })
      .lean<{ resourceIds: string[] }[]>();
    const wanted = new Set(resourceIds);
    return [...new Set(docs.flatMap((d) => d.resourceIds).filter((id) => wanted.has(id)))];
  }

  /** Deletes those of `ids` that are in a final status; returns how many. */
  async deleteFinal(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.deliveries.deleteMany({ _id: { $in: ids }, ...FINISHED });
    return res.deletedCount;
  }
}

/** Done with: nothing will send it again. A pending or in-flight delivery is never removed. */
const FINISHED = { status: { $in: ['sent', 'failed', 'cancelled', 'skipped'] satisfies DeliveryStatus[] }, inFlightSince: null };
const RETAINED_FIELDS = { _id: 1, channel: 1, digestKey: 1, sentWith: 1, resourceIds: 1 } as const;
export type RetainedDelivery = Pick<Delivery, 'id' | 'channel' | 'digestKey' | 'sentWith' | 'resourceIds'>;

const readyFilter = (domainNow: Date, wallNow: Date) => ({
  status: 'pending' as const,
  notBefore: { $lte: domainNow },
  $and: [{ $or: [{ retryAt: null }, { retryAt: { $lte: wallNow } }] }, { $or: [{ leaseUntil: null }, { leaseUntil: { $lt: wallNow } }] }],
});
