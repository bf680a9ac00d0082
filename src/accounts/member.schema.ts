import { Schema } from 'mongoose';
import { ROLES, type Channel, type MessageType, type Role } from '../lifecycle/message-types';

export const MEMBER = 'Member';
export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Contact {
  value: string;
  verified: boolean;
}

export interface MemberDoc {
  /** `<accountId>/<memberId>` (see memberKey): ids are unique per account, not globally. */
  _id: string;
  accountId: string;
  memberId: string;
  name: string;
  roles: Role[];
  /** Resource collaborators only: null = global; otherwise the products and resource ids they cover. */
  scope: { products: string[]; resourceIds: string[] } | null;
  contacts: { email: Contact | null; phone: Contact | null; wechat: Contact | null };
  locale: Locale;
  timeZone: string;
  /** Local "HH:mm" bounds; the window may cross midnight (22:00–08:00). */
  quietHours: { start: string; end: string } | null;
  /** Channels the member switched off, per message type (never a type's mandatory channel). */
  mutedChannels: Partial<Record<MessageType, Channel[]>>;
  /**
   * Contact verifications: when the last code was sent (kept after confirmation, for the resend interval) and, while
   * one is pending, a hash of the code, the address it went to, when it expires and how many tries were used.
   */
  verification: Partial<
    Record<'email' | 'phone', { sentAt: Date; codeHash?: string; value?: string; expiresAt?: Date; attempts?: number }>
  >;
  createdAt: Date;
  updatedAt: Date;
}

const ContactSchema = new Schema<Contact>(
  { value: { type: String, required: true }, verified: { type: Boolean, default: false } },
  { _id: false },
);

export const MemberSchema = new Schema<MemberDoc>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    memberId: { type: String, required: true },
    name: { type: String, required: true },
    roles: { type: [String], enum: ROLES, required: true },
    scope: { type: new Schema({ products: [String], resourceIds: [String] }, { _id: false }), default: null },
    contacts: {
      email: { type: ContactSchema, default: null },
      phone: { type: ContactSchema, default: null },
      wechat: { type: ContactSchema, default: null },
    },
    locale: { type: String, enum: LOCALES, default: 'zh-CN' },
    timeZone: { type: String, required: true },
    quietHours: { type: new Schema({ start: String, end: String }, { _id: false }), default: null },
    mutedChannels: { type: Schema.Types.Mixed, default: {} },
    verification: { type: Schema.Types.Mixed, default: {} },
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'members' },
);
// One member per (account, member id): `_id` is `<accountId>/<memberId>`, so the primary key is that unique index.
// Recipient resolution: all members of an account, and those holding a role.
MemberSchema.index({ accountId: 1, roles: 1 });
// The members page: an account's members by name, paged.
MemberSchema.index({ accountId: 1, name: 1, _id: 1 });
