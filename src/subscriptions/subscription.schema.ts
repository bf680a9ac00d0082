import { Schema } from 'mongoose';
import type { TypeSubscription } from '../recipients/resolve-recipients';
import type { MessageType } from '../lifecycle/message-types';

export const SUBSCRIPTION = 'Subscription';

/** An account's message subscription (消息订阅): per type, channels, receivers and digest. Types not set use the defaults. */
export interface SubscriptionDoc {
  _id: string; // account id
  accountId: string;
  types: Partial<Record<MessageType, TypeSubscription>>;
  updatedAt: Date;
}

export const SubscriptionSchema = new Schema<SubscriptionDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    types: { type: Schema.Types.Mixed, default: {} },
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'subscriptions' },
);
// Read by _id (= account id) only; no secondary index.
