import { Schema } from 'mongoose';
import { CATEGORIES, MESSAGE_TYPES } from '../lifecycle/message-types';

export const INBOX = 'InboxMessage';

/** An in-site message. `_id` is the delivery id, so a retried in-site delivery can never appear twice. */
export interface InboxDoc {
  _id: string;
  accountId: string;
  memberId: string;
  type: (typeof MESSAGE_TYPES)[number];
  category: (typeof CATEGORIES)[number];
  title: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
}

export const InboxSchema = new Schema<InboxDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    memberId: { type: String, required: true },
    type: { type: String, enum: MESSAGE_TYPES, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'inbox' },
);
// A member's inbox, newest first (the category filter narrows it).
InboxSchema.index({ accountId: 1, memberId: 1, createdAt: -1 });
// Unread count and the unread filter.
InboxSchema.index({ accountId: 1, memberId: 1, readAt: 1 });
// Retention sweep: messages created before the cut-off, whichever account.
InboxSchema.index({ createdAt: 1 });
