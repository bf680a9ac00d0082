import { Schema } from 'mongoose';
import { ROLES, type Role } from '../lifecycle/message-types';

export const MEMBER = 'Member';
export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Contact {
  value: string;
  verified: boolean;
}

export interface MemberDoc {
  _id: string;
  accountId: string;
  name: string;
  roles: Role[];
  /** Resource collaborators only: null = global; otherwise the products and resource ids they cover. */
  scope: { products: string[]; resourceIds: string[] } | null;
  contacts: { email: Contact | null; phone: Contact | null; wechat: Contact | null };
  locale: Locale;
  timeZone: string;
  /** Local "HH:mm" bounds; the window may cross midnight (22:00–08:00). */
  quietHours: { start: string; end: string } | null;
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
    createdAt: Date,
    updatedAt: Date,
  },
  { versionKey: false, minimize: false, collection: 'members' },
);
// Recipient resolution and the members page: all members of an account, and those holding a role.
MemberSchema.index({ accountId: 1, roles: 1 });
