/** The message-type catalogue: every notice Herald can produce, its category and who and how it reaches by default. */
export const MESSAGE_TYPES = [
  'expiry_reminder',
  'expiry_notice',
  'service_stopped',
  'resource_destroyed',
  'destroy_warning',
  'autorenew_scheduled',
  'autorenew_failed',
  'autorenew_succeeded',
  'autorenew_changed',
  'usage_threshold',
  'account_overdue',
  'low_balance',
  'service_restored',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const CATEGORIES = ['expiry', 'renewal', 'billing', 'usage'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CHANNELS = ['inbox', 'email', 'sms', 'wechat'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ROLES = ['creator', 'resource_collaborator', 'finance_collaborator', 'receiver'] as const;
export type Role = (typeof ROLES)[number];

export interface MessageTypeSpec {
  category: Category;
  /** Roles that receive the type unless the account's subscription says otherwise. */
  defaultRoles: Role[];
  defaultChannels: Channel[];
  /** Channels a member cannot switch off for this type. */
  mandatoryChannels: Channel[];
  /** Whether several resources due this notice on one day reach a recipient as one message, unless the account says otherwise. */
  defaultDigest: boolean;
}

const LIFECYCLE_ROLES: Role[] = ['creator', 'resource_collaborator', 'finance_collaborator'];
const BILLING_ROLES: Role[] = ['creator', 'finance_collaborator'];
const ALL_CHANNELS: Channel[] = ['inbox', 'email', 'sms', 'wechat'];

export const MESSAGE_TYPE_SPECS: Record<MessageType, MessageTypeSpec> = {
  expiry_reminder: {
    category: 'expiry',
    defaultRoles: LIFECYCLE_ROLES,
    defaultChannels: ALL_CHANNELS,
    mandatoryChannels: [],
    defaultDigest: true,
  },
  expiry_notice: {
    category: 'expiry',
    defaultRoles: LIFECYCLE_ROLES,
    defaultChannels: ALL_CHANNELS,
    mandatoryChannels: ['inbox'],
    defaultDigest: true,
  },
  service_stopped: {
    category: 'expiry',
    defaultRoles: LIFECYCLE_ROLES,
    defaultChannels: ALL_CHANNELS,
    mandatoryChannels: ['inbox', 'email'],
    defaultDigest: false,
  },
  destroy_warning: {
    category: 'expiry',
    defaultRoles: LIFECYCLE_ROLES,
    defaultChannels: ALL_CHANNELS,
    mandatoryChannels: ['inbox', 'email'],
    defaultDigest: true,
  },
  resource_destroyed: {
    category: 'expiry',
    defaultRoles: LIFECYCLE_ROLES,
    defaultChannels: ALL_CHANNELS,
    mandatoryChannels: ['inbox'],
    defaultDigest: false,
  },
  autorenew_scheduled: {
    category: 'renewal',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ['inbox', 'email'],
    mandatoryChannels: [],
    defaultDigest: true,
  },
  autorenew_failed: {
    category: 'renewal',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ['inbox', 'email', 'sms'],
    mandatoryChannels: ['email'],
    defaultDigest: false,
  },
  autorenew_succeeded: {
    category: 'renewal',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ['inbox', 'email'],
    mandatoryChannels: [],
    defaultDigest: false,
  },
  autorenew_changed: {
    category: 'renewal',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ['inbox', 'email'],
    mandatoryChannels: [],
    defaultDigest: false,
  },
  usage_threshold: {
    category: 'usage',
    defaultRoles: LIFECYCLE_ROLES,
    defaultChannels: ['inbox', 'email', 'sms'],
    mandatoryChannels: [],
    defaultDigest: false,
  },
  account_overdue: {
    category: 'billing',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ALL_CHANNELS,
    mandatoryChannels: ['inbox'],
    defaultDigest: false,
  },
  low_balance: {
    category: 'billing',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ['inbox', 'sms'],
    mandatoryChannels: [],
    defaultDigest: false,
  },
  service_restored: {
    category: 'billing',
    defaultRoles: BILLING_ROLES,
    defaultChannels: ['inbox', 'email'],
    mandatoryChannels: [],
    defaultDigest: false,
  },
};
