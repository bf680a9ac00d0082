import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { insertManyNew } from '../database/bulk';
import { collectionOf } from '../database/collection';
import { EVENT, EventDoc } from './event.schema';

@Injectable()
export class EventRepository {
  private readonly events: Collection<EventDoc>;

  constructor(@InjectModel(EVENT) private readonly model: Model<EventDoc>) {
    this.events = collectionOf(model);
  }

  /** Records events by id in one unordered insert; returns the indexes whose id was already recorded. */
  async recordNew(docs: EventDoc[]): Promise<Set<number>> {
    return insertManyNew(this.events, docs);
  }

  /** Of these recorded ids, the ones whose application completed (see markSettled). */
  async settled(eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const docs = await this.model.find({ _id: { $in: eventIds }, settledAt: { $ne: null } }, { _id: 1 }).lean<{ _id: string }[]>();
    return new Set(docs.map((d) => d._id));
  }

  /** Marks events whose state change and notices are stored, so that a replay produces no notice again. */
  async markSettled(eventIds: string[], now: Date): Promise<void> {
    if (eventIds.length) await this.events.updateMany({ _id: { $in: eventIds } }, { $set: { settledAt: now } });
  }

  /** Up to `limit` ids of event records received before `cutoff` (the retention sweep). */
  async idsReceivedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const docs = await this.model
      .find({ receivedAt: { $lt: cutoff } }, { _id: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /** Deletes those of `ids` still received before `cutoff`; returns how many. */
  async deleteReceivedBefore(ids: string[], cutoff: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.events.deleteMany({ _id: { $in: ids }, receivedAt: { $lt: cutoff } });
    return res.deletedCount;
  }

  async forget(accountId: string, eventIds: string[]): Promise<void> {
    if (eventIds.length) await this.events.deleteMany({ accountId, _id: { $in: eventIds } });
  }
}
