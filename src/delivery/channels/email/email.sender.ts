import { createHash } from 'node:crypto';
import { SmtpThread } from './smtp-thread';
import type { ChannelSender, OutgoingMessage, SendResult } from '../channel-sender';
import { errorText, wrongChannel } from '../channel-sender';

export interface EmailSenderOptions {
  /** smtp:// or smtps:// URL, credentials included. */
  smtpUrl: string;
  /** RFC 5322 From, e.g. `Herald <herald@example.com>`. */
  from: string;
  /** Pooled SMTP connections kept open to the relay. */
  maxConnections?: number;
  /** Connect, greeting and socket timeout. */
  timeoutMs?: number;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** nodemailer's error fields decide: 5xx is final except 503 (bad sequence, a relay hiccup); the rest is worth another try. */
export function classifySmtpError(err: unknown): SendResult {
  const e = (err ?? {}) as SmtpError;
  const response = { smtp: e.response, command: e.command };
  const code = e.responseCode ?? e.code;
  const error = errorText(err);
  if (typeof e.responseCode === 'number') {
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
    return { outcome: permanent ? 'permanent' : 'transient', error, code, response };
  }
  // EENVELOPE without a server reply is nodemailer refusing the address itself: another try fails the same way.
  if (e.code === 'EENVELOPE') return { outcome: 'permanent', error, code, response };
  return { outcome: 'transient', error, code, response };
}

/** Message-ID local part from the delivery id, kept to RFC 5322 atext so it survives relays. */
function messageId(deliveryId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'herald.localhost';
  const local = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(deliveryId)
    ? deliveryId
    : createHash('sha256').update(deliveryId).digest('base64url');
  return `<${local}@${domain}>`;
}

export class EmailSender implements ChannelSender {
  readonly channel = 'email' as const;
  private readonly smtp: SmtpThread;

  constructor(private readonly options: EmailSenderOptions) {
    const timeout = options.timeoutMs ?? 30_000;
    this.smtp = new SmtpThread({
      url: options.smtpUrl,
      pool: true,
      maxConnections: options.maxConnections ?? 5,
      // One send() is one attempt in the delivery log; the delivery worker owns retries, not the pool.
      maxRequeues: 0,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const { content } = message;
    if (content.channel !== 'email') return wrongChannel('email', message);
    // The same delivery keeps the same Message-ID on every attempt, so receiving systems can drop a repeat.
    const id = messageId(message.deliveryId, this.options.from);
    try {
      const response = await this.smtp.send({
        from: this.options.from,
        to: message.to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        messageId: id,
        headers: { 'X-Herald-Delivery-Id': message.deliveryId, 'Content-Language': message.locale },
      });
      return { outcome: 'sent', providerMessageId: id, response: { smtp: response } };
    } catch (err) {
      return classifySmtpError(err);
    }
  }

  async close(): Promise<void> {
    await this.smtp.close();
  }
}
