import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { docBatches, insertManyNew, leaseAsRead } from '../database/bulk';
import { collectionOf } from '../database/collection';
import { plain, Plain } from '../database/plain';
import { NOTICE, NoticeDoc } from './notice.schema';

export type Notice = Plain<NoticeDoc>;

/** Waiting for fan-out, and not leased or leased by a run whose lease has lapsed. */
const pendingFree = (wallNow: Date) => ({
  'fanout.status': 'pending' as const,
  $or: [{ 'fanout.leaseUntil': null }, { 'fanout.leaseUntil': { $lt: wallNow } }],
});

@Injectable()
export class NoticeRepository {
  private readonly notices: Collection<NoticeDoc>;

  constructor(@InjectModel(NOTICE) private readonly model: Model<NoticeDoc>) {
    this.notices = collectionOf(model);
  }

  /** Inserts unordered; a notice whose dedupe key exists is skipped. Returns how many were new. */
  async insertNew(docs: NoticeDoc[]): Promise<number> {
    if (docs.length === 0) return 0;
    const existing = await insertManyNew(this.notices, docs);
    return docs.length - existing.size;
  }

  /** A page of a resource's notices counted from the newest (`offset` 0 is the latest), and how many it has in all. */
  async pageForResource(accountId: string, resourceId: string, limit: number, offset: number): Promise<{ items: Notice[]; total: number }> {
    const filter = { accountId, resourceId };
    const [docs, total] = await Promise.all([
      this.model.find(filter).sort({ dueAt: -1, _id: -1 }).skip(offset).limit(limit).lean<NoticeDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return { items: docs.map((d) => plain(d)), total };
  }

  /** Those of `ids` (dedupe keys) that are stored. */
  async existingIds(accountId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const docs = await this.model.find({ _id: { $in: ids }, accountId }, { _id: 1 }).lean<{ _id: string }[]>();
    return new Set(docs.map((d) => d._id));
  }

  /**
   * The notices waiting for fan-out and not leased, `batchSize` at a time, from one cursor per run (see
   * docBatches). Not sorted (see docBatches): the fan-out index yields them oldest first on MongoDB. They are
   * candidates: `claim` leases them.
   */
  async *pendingBatches(wallNow: Date, batchSize: number): AsyncGenerator<Notice[]> {
    const cursor = this.notices.find<NoticeDoc>(pendingFree(wallNow), { batchSize });
    for await (const docs of docBatches(cursor, batchSize)) yield docs.map((d) => plain(d));
  }

  /**
   * Leases candidates from pendingBatches still pending and free (wall-clock lease) under a new token. A
   * notice never changes but for its fan-out state, which the filter checks, so when all were leased they are
   * returned as read; otherwise (another instance took some) the ones that carry the token are read back.
   */
  async claim(candidates: Notice[], wallNow: Date, leaseMs: number): Promise<{ token: string; notices: Notice[] }> {
    const token = randomUUID();
    const leaseUntil = new Date(wallNow.getTime() + leaseMs);
    const notices = await leaseAsRead(this.notices, candidates, {
      filter: pendingFree(wallNow),
      set: { 'fanout.leaseUntil': leaseUntil, 'fanout.leaseToken': token },
      tokenField: 'fanout.leaseToken',
      token,
      leased: (n) => ({ ...n, fanout: { ...n.fanout, leaseUntil, leaseToken: token } }),
    });
    return { token, notices };
  }

  async markFannedOut(ids: string[], token: string): Promise<void> {
    if (ids.length === 0) return;
    await this.notices.updateMany(
      { _id: { $in: ids }, 'fanout.leaseToken': token },
      { $set: { 'fanout.status': 'done', 'fanout.leaseUntil': null, 'fanout.leaseToken': null } },
    );
  }

  async getMany(accountIds: string[], ids: string[]): Promise<Map<string, Notice>> {
    const docs = await this.model.find({ _id: { $in: ids }, accountId: { $in: accountIds } }).lean<NoticeDoc[]>();
    return new Map(docs.map((d) => [d._id, plain(d)]));
  }

  /** Which of the given resources have a notice still waiting for fan-out. */
  async resourcesAwaitingFanout(accountIds: string[], resourceIds: string[]): Promise<string[]> {
    const docs = await this.model
      .find({ accountId: { $in: accountIds }, resourceId: { $in: resourceIds }, 'fanout.status': 'pending' }, { resourceId: 1 })
      .lean<{ resourceId: string }[]>();
    return [...new Set(docs.map((d) => d.resourceId))];
  }

  /** Retention sweep: up to `limit` ids of the given resources' notices. */
  async idsOfResources(accountIds: string[], resourceIds: string[], limit: number): Promise<string[]> {
    const docs = await this.model
      .find({ accountId: { $in: accountIds }, resourceId: { $in: resourceIds } }, { _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /** Deletes notices by id; returns how many. */
  async deleteByIds(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.notices.deleteMany({ _id: { $in: ids } });
    return res.deletedCount;
  }
}
