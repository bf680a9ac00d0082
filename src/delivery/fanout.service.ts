import { Inject, Injectable } from '@nestjs/common';
import { AccountRepository } from '../accounts/account.repository';
import { GroupRepository } from '../accounts/group.repository';
import { Member, MemberRepository } from '../accounts/member.repository';
import { Clock, WallClock } from '../common/clock';
import { BATCHES_UNDER_WAY, forEachUnderWay } from '../common/pool';
import { CONFIG, Config } from '../config/config';
import { zoneTime } from '../lifecycle/zone-time';
import type { Notice } from '../notices/notice.repository';
import { NoticeRepository } from '../notices/notice.repository';
import { groupMembers } from '../recipients/receives';
import { RecipientMember, resolveRecipients } from '../recipients/resolve-recipients';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { ChannelsService } from './channels.service';
import type { DeliveryDoc } from './delivery.schema';
import { DeliveryRepository } from './delivery.repository';

/**
 * Fan-out: turns each produced notice into deliveries, one per recipient and channel (skipped ones
 * recorded with their reason), or joins the recipient's digest of the day. Repeating it after a crash
 * adds nothing: delivery ids are unique and digests add notices as a set.
 */
@Injectable()
export class FanoutService {
  constructor(
    private readonly notices: NoticeRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly accounts: AccountRepository,
    private readonly members: MemberRepository,
    private readonly groups: GroupRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly channels: ChannelsService,
    private readonly clock: Clock,
    private readonly wall: WallClock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Fans out every pending notice; returns how many notices it handled. */
  async run(): Promise<number> {
    let handled = 0;
    await forEachUnderWay(
      this.notices.pendingBatches(this.wall.now(), this.config.delivery.batchSize),
      BATCHES_UNDER_WAY,
      async (candidates) => {
        const { token, notices } = await this.notices.claim(candidates, this.wall.now(), this.config.leaseMs);
        // Another instance leased this batch since the read: go on with the next one.
        if (notices.length === 0) return;
        await this.fanOut(notices);
        await this.notices.markFannedOut(
          notices.map((n) => n.id),
          token,
        );
        handled += notices.length;
      },
    );
    return handled;
  }

  private async fanOut(notices: Notice[]): Promise<void> {
    const accountIds = [...new Set(notices.map((n) => n.accountId))];
    const [accounts, members, groups, subscriptions] = await Promise.all([
      this.accounts.getMany(accountIds),
      this.members.listMany(accountIds),
      this.groups.listMany(accountIds),
      this.subscriptions.getMany(accountIds),
    ]);
    const zones = new Map(accounts.map((a) => [a.id, a.timeZone]));
    const groupsOf = new Map(accountIds.map((id) => [id, groupMembers(groups.get(id) ?? [])]));
    const now = this.clock.now();
    const wallNow = this.wall.now();
    const docs: DeliveryDoc[] = [];
    for (const notice of notices) {
      const subscription = subscriptions.get(notice.accountId)![notice.type];
      const { recipients, skipped } = resolveRecipients({
        type: notice.type,
        subscription,
        members: (members.get(notice.accountId) ?? []).map(recipientOf),
        groups: groupsOf.get(notice.accountId)!,
        resource: notice.resourceId ? { id: notice.resourceId, product: notice.product } : null,
        now,
      });
      const base = (memberId: string, channel: DeliveryDoc['channel']) => ({
        accountId: notice.accountId,
        memberId,
        channel,
        type: notice.type,
        category: notice.category,
        noticeIds: [notice.id],
        resourceIds: notice.resourceId ? [notice.resourceId] : [],
        attempts: [],
        attemptCount: 0,
        deferrals: 0,
        retryAt: null,
        inFlightSince: null,
        leaseUntil: null,
        leaseToken: null,
        providerMessageId: null,
        providerStatus: null,
        providerErrorCode: null,
        createdAt: wallNow,
        updatedAt: wallNow,
        sentAt: null,
        sentWith: null,
        _id: `${notice.id}|${memberId}|${channel}`,
      });
      for (const s of skipped) {
        docs.push({
          ...base(s.memberId, s.channel),
          digestKey: null,
          to: '',
          locale: 'zh-CN',
          timeZone: 'UTC',
          recipientName: '',
          status: 'skipped',
          reason: s.reason,
          notBefore: now,
        });
      }
      for (const r of recipients) {
        const fields = { to: r.to, locale: r.locale, timeZone: r.timeZone, recipientName: r.recipientName, reason: null };
        if (!this.channels.isOn(r.channel)) {
          docs.push({
            ...base(r.memberId, r.channel),
            ...fields,
            digestKey: null,
            status: 'skipped',
            reason: 'channel_off',
            notBefore: now,
          });
        } else if (subscription.digest && notice.resourceId) {
          // A digest gathers the day's notices of this type for this recipient: it waits the digest window, then goes as one message.
          const day = zoneTime(zones.get(notice.accountId) ?? this.config.defaultTimeZone).isoLocalDate(notice.dueAt.getTime());
          const gathered = new Date(Math.max(notice.dueAt.getTime(), now.getTime()) + this.config.delivery.digestWindowMs);
          const notBefore = r.notBefore && r.notBefore > gathered ? r.notBefore : gathered;
          const digestKey = `${notice.accountId}|${notice.type}|${day}|${r.memberId}|${r.channel}`;
          docs.push({ ...base(r.memberId, r.channel), ...fields, digestKey, status: 'pending', notBefore });
        } else {
          docs.push({
            ...base(r.memberId, r.channel),
            ...fields,
            digestKey: null,
            status: 'pending',
            notBefore: r.notBefore ?? notice.dueAt,
          });
        }
      }
    }
    await this.deliveries.insertNew(docs);
  }
}

function recipientOf(m: Member): RecipientMember {
  return {
    id: m.id,
    name: m.name,
    roles: m.roles,
    scope: m.scope,
    contacts: m.contacts,
    locale: m.locale,
    timeZone: m.timeZone,
    quietHours: m.quietHours,
    mutedChannels: m.mutedChannels ?? {},
  };
}
