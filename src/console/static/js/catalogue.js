// The API's enumerations the console offers as choices (src/lifecycle/message-types.ts and friends on the server).
export const CATEGORIES = ['expiry', 'renewal', 'billing', 'usage'];
export const CHANNELS = ['inbox', 'email', 'sms', 'wechat'];
export const ROLES = ['creator', 'resource_collaborator', 'finance_collaborator', 'receiver'];
export const RESOURCE_STATUSES = ['running', 'expired', 'stopped', 'frozen', 'destroyed'];
export const RESOURCE_PHASES = ['running', 'expiring', 'expired', 'stopped', 'frozen', 'released'];
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled', 'skipped'];
