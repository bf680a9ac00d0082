import { Schema } from 'mongoose';
import { BALANCE_STATES } from '../lifecycle/lifecycle.types';

export const ACCOUNT = 'Account';

export interface AccountDoc {
  _id: string;
  name: string;
  customerLevel: string;
  timeZone: string;
  balanceState: (typeof BALANCE_STATES)[number];
  overdueSince: Date | null;
  billDate: Date | null;
  /** The one member with the creator role, set atomically so an account never has two. */
  creatorId: string | null;
  version: number;
  fieldVersions: { balance?: number };
  createdAt: Date;
  updatedAt: Date;
}

export const AccountSchema = new Schema<AccountDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    customerLevel: { type: String, default: 'V0' },
    timeZone: { type: String, required: true },
    balanceState: { type: String, enum: BALANCE_STATES, default: 'ok' },
    overdueSince: { type: Date, default: null },
    billDate: { type: Date, default: null },
    creatorId: { type: String, default: null },
    version: { type: Number, default: 0 },
    fieldVersions: { type: Schema.Types.Mixed, default: {} },
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'accounts' },
);
// Accounts are only ever read by _id (their upstream id); no secondary index.
