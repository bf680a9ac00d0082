import type { Channel, MessageType } from '../../lifecycle/message-types';
import type { RenderedMessage } from '../../templates/rendered-message';

export interface OutgoingMessage {
  /** Unique per notice × member × channel; the provider-side dedupe key. */
  deliveryId: string;
  /** Email address | E.164 phone | WeChat openid | member id (inbox). */
  to: string;
  locale: 'zh-CN' | 'en-US';
  content: RenderedMessage;
  /** Set for lifecycle messages; a contact verification code has neither. */
  accountId?: string;
  type?: MessageType;
}

/** `response` goes into the delivery's attempt log: small, and never a credential or access token. */
export type SendResult =
  | { outcome: 'sent'; providerMessageId?: string; response: unknown }
  | {
      outcome: 'transient';
      error: string;
      code?: string | number;
      retryAfterMs?: number;
      response?: unknown;
      /** No answer came back (timeout, cut connection): the provider may have taken the message. */
      inDoubt?: boolean;
    }
  | { outcome: 'deferred'; error: string; code?: string | number; retryAfterMs: number; response?: unknown }
  | { outcome: 'permanent'; error: string; code?: string | number; response?: unknown };

/** A message an interrupted attempt did hand to the provider. */
export interface FoundMessage {
  providerMessageId: string;
  response: unknown;
}

export interface ChannelSender {
  readonly channel: Channel;
  /**
   * A repeated send of one delivery changes nothing (the in-site inbox writes under the delivery id), so
   * a send needs no in-flight mark: two workers sending it at once, or a send redone after a crash, are
   * harmless.
   */
  readonly idempotent?: boolean;
  /** How many sends of this channel may be under way at once in one worker; DELIVERY_CONCURRENCY if unset. */
  readonly concurrency?: number;
  send(message: OutgoingMessage): Promise<SendResult>;
  /**
   * For providers that cannot drop a repeated send by our dedupe key: after an attempt was cut off
   * (a crash between handing the message over and recording it), asks the provider whether that
   * message went out at or after `since`. Providers that dedupe (inbox, email Message-ID, WeChat
   * client_msg_id) leave it out and are simply sent again.
   */
  findSent?(message: OutgoingMessage, since: Date): Promise<FoundMessage | null>;
  close?(): Promise<void>;
}

/** A message routed to the wrong sender is a bug upstream; retrying cannot fix it. */
export function wrongChannel(expected: Channel, message: OutgoingMessage): SendResult {
  return { outcome: 'permanent', error: `${expected} sender was given ${message.content.channel} content`, code: 'WRONG_CHANNEL' };
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
