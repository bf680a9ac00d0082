import { Schema } from 'mongoose';

export const TOMBSTONE = 'Tombstone';

/**
 * What remains of a destroyed resource once retention removed its records: the version its state had
 * reached, so that an event from its old life arriving later (an upstream replay, a late report) is
 * stale instead of bringing it back.
 */
export interface TombstoneDoc {
  _id: string;
  accountId: string;
  version: number;
  purgedAt: Date;
}

export const TombstoneSchema = new Schema<TombstoneDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    version: { type: Number, required: true },
    purgedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'tombstones' },
);
