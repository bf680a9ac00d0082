import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import { collectionOf } from '../database/collection';
import { RESOURCE, ResourceDoc } from './resource.schema';
import { TOMBSTONE, TombstoneDoc } from './tombstone.schema';

@Injectable()
export class TombstoneRepository {
  private readonly tombstones: Collection<TombstoneDoc>;

  constructor(
    @InjectModel(TOMBSTONE) private readonly model: Model<TombstoneDoc>,
    @InjectModel(RESOURCE) private readonly resources: Model<ResourceDoc>,
  ) {
    this.tombstones = collectionOf(model);
  }

  /** Before destroyed resources are removed: remembers the version each one's state reached. */
  async bury(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    const docs = await this.resources
      .find({ _id: { $in: ids }, status: 'destroyed' }, { _id: 1, accountId: 1, version: 1 })
      .lean<Pick<ResourceDoc, '_id' | 'accountId' | 'version'>[]>();
    if (docs.length === 0) return;
    await this.tombstones.bulkWrite(
      docs.map((d) => ({
        updateOne: {
          filter: { _id: d._id },
          update: { $set: { accountId: d.accountId, purgedAt: now }, $max: { version: d.version } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Resources that were not removed after all (they changed meanwhile) keep no tombstone. */
  async unbury(ids: string[]): Promise<void> {
    if (ids.length) await this.tombstones.deleteMany({ _id: { $in: ids } });
  }

  /** The buried versions of these resource ids, for those that have a tombstone. */
  async versionsOf(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const docs = await this.model.find({ _id: { $in: ids } }, { _id: 1, version: 1 }).lean<Pick<TombstoneDoc, '_id' | 'version'>[]>();
    return new Map(docs.map((d) => [d._id, d.version]));
  }
}
