import type { Category } from '../lifecycle/message-types';

/** What a template rendered for one channel; each sender accepts only its own variant. */
export type RenderedMessage =
  | { channel: 'inbox'; title: string; body: string; category: Category }
  | { channel: 'email'; subject: string; html: string; text: string }
  | { channel: 'sms'; body: string }
  | { channel: 'wechat'; templateId: string; data: Record<string, string>; url?: string };
