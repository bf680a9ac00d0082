import { retryBusy } from '../database/retry';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertManyNew } from '../database/bulk';
import { collectionOf } from '../database/plain';
import { EVENT, EventDoc } from './event.schema';

@Injectable()
export class EventRepository {
  constructor(@InjectModel(EVENT) private readonly events: Model<EventDoc>) {}

  /** Records events by id in one unordered insert; returns the indexes whose id was already recorded. */
  async recordNew(docs: EventDoc[]): Promise<Set<number>> {
    return insertManyNew(collectionOf(this.events), docs);
  }

  async forget(accountId: string, eventIds: string[]): Promise<void> {
    if (eventIds.length) await retryBusy(() => this.events.deleteMany({ accountId, _id: { $in: eventIds } }));
  }
}
