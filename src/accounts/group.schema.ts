import { Schema } from 'mongoose';

export const GROUP = 'ReceiverGroup';

export interface GroupDoc {
  _id: string;
  accountId: string;
  name: string;
  memberIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const GroupSchema = new Schema<GroupDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    name: { type: String, required: true },
    memberIds: { type: [String], default: [] },
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, collection: 'receiver_groups' },
);
// Listing an account's groups by name, and refusing a second group of the same name.
GroupSchema.index({ accountId: 1, name: 1 }, { unique: true });
// Removing a deleted member from every group of the account that holds them.
GroupSchema.index({ accountId: 1, memberIds: 1 });
