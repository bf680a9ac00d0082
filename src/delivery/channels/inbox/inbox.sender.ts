import type { WallClock } from '../../../common/clock';
import type { InboxRepository } from '../../../inbox/inbox.repository';
import type { Category } from '../../../lifecycle/message-types';
import { ChannelSender, OutgoingMessage, SendResult, wrongChannel } from '../channel-sender';

/** The in-site channel: a message in the member's inbox, keyed by the delivery id. */
export class InboxSender implements ChannelSender {
  readonly channel = 'inbox' as const;
  readonly idempotent = true;
  /** A send is a local write, gathered with the others into one bulk insert: a whole batch can go at once. */
  readonly concurrency = 1_000;

  constructor(
    private readonly inbox: InboxRepository,
    private readonly wall: WallClock,
  ) {}

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (message.content.channel !== 'inbox') return wrongChannel('inbox', message);
    if (!message.accountId || !message.type)
      return { outcome: 'permanent', error: 'in-site message without account or type', code: 'BAD_MESSAGE' };
    await this.inbox.put({
      _id: message.deliveryId,
      accountId: message.accountId,
      memberId: message.to,
      type: message.type,
      category: message.content.category as Category,
      title: message.content.title,
      body: message.content.body,
      createdAt: this.wall.now(),
      readAt: null,
    });
    return { outcome: 'sent', providerMessageId: message.deliveryId, response: { stored: true } };
  }
}
