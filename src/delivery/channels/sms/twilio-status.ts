/**
 * The statuses Twilio reports for an outbound message, in the order a message moves through them: with a
 * Messaging Service it starts `scheduled` or `accepted`, then `queued → sending → sent`, then one final status;
 * `read` (channels with read receipts) follows `delivered`. Inbound statuses (`receiving`, `received`) never
 * reach a status callback of a message Herald sent.
 */
export const TWILIO_STATUSES = [
  'scheduled',
  'accepted',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'partially_delivered',
  'canceled',
  'read',
] as const;
export type TwilioStatus = (typeof TWILIO_STATUSES)[number];

const FINAL = 5;
const STEP: Record<TwilioStatus, number> = {
  scheduled: 0,
  accepted: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  delivered: FINAL,
  undelivered: FINAL,
  failed: FINAL,
  partially_delivered: FINAL,
  canceled: FINAL,
  read: FINAL + 1,
};

/** The statuses that mean the member did not get the message: the delivery fails with them. */
export const FAILED_STATUSES: readonly TwilioStatus[] = ['undelivered', 'failed', 'canceled'];

/**
 * The recorded statuses a delivery may move to `next` from: every earlier step, so a replayed or late older
 * callback changes nothing; a final status is never replaced by another, and only `delivered` leads on to `read`.
 */
export function statusesBefore(next: TwilioStatus): TwilioStatus[] {
  return TWILIO_STATUSES.filter((s) => STEP[s] < STEP[next] && (STEP[s] < FINAL || s === 'delivered'));
}

/** `SM` (SMS) or `MM` (MMS) and 32 hexadecimal digits, as Twilio writes a message SID. */
export const TWILIO_MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
