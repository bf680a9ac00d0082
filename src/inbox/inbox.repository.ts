import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { insertManyNew } from '../database/bulk';
import { WriteCoalescer } from '../database/coalesce';
import { collectionOf } from '../database/collection';
import { plain, Plain } from '../database/plain';
import type { Category } from '../lifecycle/message-types';
import { INBOX, InboxDoc } from './inbox.schema';

export type InboxMessage = Plain<InboxDoc>;

@Injectable()
export class InboxRepository {
  private readonly inbox: Collection<InboxDoc>;

  constructor(@InjectModel(INBOX) private readonly model: Model<InboxDoc>) {
    this.inbox = collectionOf(model);
  }

  /** Stores a message; an existing id (a retried delivery) counts as stored. */
  put(doc: InboxDoc): Promise<void> {
    return this.puts.write(doc);
  }

  // Messages the delivery worker sends at the same time go in one insert (see WriteCoalescer); insertManyNew skips existing ids.
  private readonly puts = new WriteCoalescer<InboxDoc>(async (docs) => {
    await insertManyNew(this.inbox, docs);
    return docs.map(() => ({ value: undefined }));
  });

  async page(accountId: string, memberId: string, q: { unread?: boolean; category?: Category; limit: number; offset: number }) {
    const filter = { accountId, memberId, ...(q.unread ? { readAt: null } : {}), ...(q.category ? { category: q.category } : {}) };
    const [docs, total] = await Promise.all([
      this.model.find(filter).sort({ createdAt: -1, _id: 1 }).skip(q.offset).limit(q.limit).lean<InboxDoc[]>(),
      this.model.countDocuments(filter),
    ]);
    return { items: docs.map((d) => plain(d)), total };
  }

  async unreadCount(accountId: string, memberId: string): Promise<number> {
    return this.model.countDocuments({ accountId, memberId, readAt: null });
  }

  async get(accountId: string, memberId: string, id: string): Promise<InboxMessage | null> {
    return plain(await this.model.findOne({ _id: id, accountId, memberId }).lean<InboxDoc>());
  }

  /** Marks one message read (keeping the first read time); false when the member has no such message. */
  async markRead(accountId: string, memberId: string, id: string, now: Date): Promise<boolean> {
    const res = await this.inbox.updateOne({ _id: id, accountId, memberId, readAt: null }, { $set: { readAt: now } });
    return res.matchedCount === 1 || (await this.get(accountId, memberId, id)) !== null;
  }

  async markAllRead(accountId: string, memberId: string, now: Date): Promise<number> {
    const res = await this.inbox.updateMany({ accountId, memberId, readAt: null }, { $set: { readAt: now } });
    return res.modifiedCount;
  }

  /** Retention sweep: up to `limit` ids of messages created before `cutoff`, whichever account. */
  async idsCreatedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const docs = await this.model
      .find({ createdAt: { $lt: cutoff } }, { _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /** Deletes those of `ids` still older than `cutoff` (another sweep may have taken some); returns how many. */
  async deleteCreatedBefore(ids: string[], cutoff: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.inbox.deleteMany({ _id: { $in: ids }, createdAt: { $lt: cutoff } });
    return res.deletedCount;
  }

  /** Deletes messages by id (the retention sweep, for a destroyed resource's messages); returns how many. */
  async deleteByIds(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.inbox.deleteMany({ _id: { $in: ids } });
    return res.deletedCount;
  }
}
