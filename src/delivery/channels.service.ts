import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { WallClock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import type { Channel } from '../lifecycle/message-types';
import { InboxRepository } from '../inbox/inbox.repository';
import type { ChannelSender } from './channels/channel-sender';
import { DevMailSink, startDevMailSink } from './channels/email/dev-mail-sink';
import { EmailSender } from './channels/email/email.sender';
import { InboxSender } from './channels/inbox/inbox.sender';
import { SmsSender } from './channels/sms/sms.sender';
import { ProviderTokenDoc, ProviderTokenStore } from './channels/wechat/token-store';
import { WeChatClient } from './channels/wechat/wechat.client';
import { WeChatSender } from './channels/wechat/wechat.sender';

/**
 * The configured channel senders. In-site is always on; email goes to SMTP_URL, or outside production
 * to the development sink (.data/mail); SMS and WeChat exist only when configured.
 */
@Injectable()
export class ChannelsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Channels');
  private readonly senders = new Map<Channel, ChannelSender>();
  private devSink: DevMailSink | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly inbox: InboxRepository,
    private readonly wall: WallClock,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async onModuleInit(): Promise<void> {
    this.senders.set('inbox', new InboxSender(this.inbox, this.wall));
    let smtpUrl = this.config.email.smtpUrl;
    if (!smtpUrl && this.config.env !== 'production') {
      this.devSink = await startDevMailSink(path.resolve('.data', 'mail'), this.wall);
      smtpUrl = this.devSink.url;
      this.logger.log(`email: development sink at ${this.devSink.url}, messages written to ${this.devSink.dir}`);
    }
    if (smtpUrl)
      this.senders.set(
        'email',
        new EmailSender({ smtpUrl, from: this.config.email.from, maxConnections: this.config.delivery.smtpPoolSize }),
      );
    const sms = this.config.sms;
    if (sms) {
      const statusCallbackUrl = `${this.config.publicUrl}/v1/webhooks/twilio/status`;
      this.senders.set(
        'sms',
        new SmsSender(
          { accountSid: sms.accountSid, authToken: sms.authToken, from: sms.from, baseUrl: sms.baseUrl ?? undefined, statusCallbackUrl },
          this.wall,
        ),
      );
    }
    const wechat = this.config.wechat;
    if (wechat) {
      const store = new ProviderTokenStore(this.connection.collection<ProviderTokenDoc>('provider_tokens'), this.wall);
      this.senders.set(
        'wechat',
        new WeChatSender(
          new WeChatClient({ appId: wechat.appId, appSecret: wechat.appSecret, apiBaseUrl: wechat.apiBaseUrl }, store, this.wall),
          { quotaRetryAfterMs: wechat.quotaRetryMs },
        ),
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.senders.values()].map((s) => s.close?.()));
    await this.devSink?.stop();
  }

  get(channel: Channel): ChannelSender | null {
    return this.senders.get(channel) ?? null;
  }

  isOn(channel: Channel): boolean {
    return this.senders.has(channel);
  }
}
