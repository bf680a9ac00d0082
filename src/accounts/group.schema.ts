import { Schema } from 'mongoose';

export const GROUP = 'ReceiverGroup';

export interface GroupDoc {
  /** `<accountId>/<groupId>` (see groupKey): ids are unique per account, not globally. */
  _id: string;
  accountId: string;
  groupId: string;
  name: string;
  memberIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const GroupSchema = new Schema<GroupDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    groupId: { type: String, required: true },
    name: { type: String, required: true },
    memberIds: { type: [String], default: [] },
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'receiver_groups' },
);
// One group per (account, group id): `_id` is `<accountId>/<groupId>`, so the primary key is that unique index.
// Listing an account's groups by name, and refusing a second group of the same name.
GroupSchema.index({ accountId: 1, name: 1 }, { unique: true });
// Removing a deleted member from every group of the account that holds them.
GroupSchema.index({ accountId: 1, memberIds: 1 });
