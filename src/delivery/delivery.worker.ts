import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountRepository } from '../accounts/account.repository';
import { Clock, WallClock } from '../common/clock';
import { lineScrubber } from '../common/logging';
import { CONFIG, Config } from '../config/config';
import { CHANNELS, Channel } from '../lifecycle/message-types';
import { Notice, NoticeRepository } from '../notices/notice.repository';
import { PoliciesService } from '../policies/policies.service';
import { ResourceRepository, resourceStateOf } from '../resources/resource.repository';
import { PlanningService } from '../planning/planning.service';
import { buildMessageContext } from '../templates/message-context';
import type { RenderedMessage } from '../templates/rendered-message';
import { TemplateRegistry } from '../templates/template-registry';
import { ChannelsService } from './channels.service';
import type { ChannelSender, OutgoingMessage, SendResult } from './channels/channel-sender';
import { Delivery, DeliveryRepository } from './delivery.repository';
import type { Attempt } from './delivery.schema';
import { BATCHES_UNDER_WAY, forEachUnderWay, Semaphore } from '../common/pool';
import { ALL_ACCOUNTS } from '../database/plain';
import { Decision, decideOutcome } from './decide-outcome';
import { GroupRecord } from './group-record';
import { RateLimiter } from './rate-limiter';
import { stillHolds } from './still-holds';

/** What a finish writes to one delivery. */
type FinishChange = Parameters<DeliveryRepository['finish']>[2];
/** The notices, resources and accounts of one claimed batch, read together. */
type BatchContext = Awaited<ReturnType<DeliveryWorker['loadContext']>>;
/** A delivery whose notice still holds, with that notice. */
type Holding = { delivery: Delivery; notice: Notice };

export interface WorkStats {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
}

/**
 * Sends deliveries: claims the ready ones with a lease (single in-site messages, whose sends are
 * idempotent, without one), re-checks that each notice still holds (a renewal cancels what was queued
 * for the old term), renders the templates in the recipient's language, waits for the channel's rate
 * limit, sends, and records the attempt with the provider's answer.
 * Transient errors back off with jitter up to the attempt limit; permanent ones fail at once (see decideOutcome).
 */
@Injectable()
export class DeliveryWorker {
  private readonly logger = new Logger('Delivery');
  private readonly limiters: Record<Channel, RateLimiter>;
  /** Provider error text and answers are stored with each attempt; a provider echoing a credential must not leave it there. */
  private readonly scrub: (text: string) => string;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly notices: NoticeRepository,
    private readonly resources: ResourceRepository,
    private readonly accounts: AccountRepository,
    private readonly planning: PlanningService,
    private readonly policies: PoliciesService,
    private readonly templates: TemplateRegistry,
    private readonly channels: ChannelsService,
    private readonly clock: Clock,
    private readonly wall: WallClock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.limiters = Object.fromEntries(CHANNELS.map((c) => [c, new RateLimiter(config.delivery.ratePerSec[c])])) as Record<
      Channel,
      RateLimiter
    >;
    this.scrub = lineScrubber(config);
  }

  /**
   * Sends everything ready now, batch after batch from one read of the ready deliveries, and reads again
   * until a read finds none (what became ready meanwhile, or what another worker took first and released).
   * Two batches are under way at once: while one's messages are written, the next is read, claimed and
   * its context loaded. Each channel's concurrency holds across both.
   */
  async run(): Promise<WorkStats> {
    const stats: WorkStats = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0 };
    for (;;) {
      const domainNow = this.clock.now();
      let seen = 0;
      await forEachUnderWay(
        this.deliveries.readyBatches(domainNow, this.wall.now(), this.config.delivery.batchSize),
        BATCHES_UNDER_WAY,
        async (candidates) => {
          seen += candidates.length;
          const { token, deliveries } = await this.deliveries.claim(
            candidates,
            domainNow,
            this.wall.now(),
            this.config.leaseMs,
            // A digest stays leased: two workers must not gather its deliveries into two different messages.
            (d) => d.digestKey === null && this.channels.get(d.channel)?.idempotent === true,
          );
          // Another worker leased these between our read and our claim: the next batch, or the next read.
          if (deliveries.length > 0) await this.sendBatch(deliveries, token, domainNow, stats);
        },
      );
      if (seen === 0) return stats;
    }
  }

  /** Each channel's sends under way in this worker, across the batches under way. */
  private readonly sendSlots = new Map<Channel, Semaphore>();

  private slots(channel: Channel): Semaphore {
    let slots = this.sendSlots.get(channel);
    if (!slots) {
      slots = new Semaphore(this.channels.get(channel)?.concurrency ?? this.config.delivery.concurrency);
      this.sendSlots.set(channel, slots);
    }
    return slots;
  }

  /**
   * Sends one claimed batch (with the other ready deliveries of its digests). Each channel's messages go out
   * with that channel's own concurrency: a slow provider does not hold up the others, and in-site messages,
   * local writes that reach the database in bulk, go all at once.
   */
  private async sendBatch(deliveries: Delivery[], token: string, domainNow: Date, stats: WorkStats): Promise<void> {
    const digestKeys = [...new Set(deliveries.map((d) => d.digestKey).filter((k): k is string => k !== null))];
    const siblings = await this.deliveries.claimDigestSiblings(digestKeys, token, domainNow, this.wall.now(), this.config.leaseMs);
    const all = new Map([...deliveries, ...siblings].map((d) => [d.id, d]));
    stats.claimed += all.size;
    const groups = new Map<string, Delivery[]>();
    for (const d of all.values()) {
      const key = d.digestKey ?? d.id;
      const group = groups.get(key);
      if (group) group.push(d);
      else groups.set(key, [d]);
    }
    const context = await this.loadContext([...all.values()]);
    await Promise.all(
      [...groups.values()].map(async (group) => {
        // The slot is held while the message is made and sent, not while its outcome is written: the next
        // send need not wait for the database, and the writes of several sends go out together.
        const outcomes = await this.slots(group[0].channel)
          .run(() => this.deliver(group, token, context))
          .then((sent) => sent.recorded)
          .catch((err: unknown) => {
            this.logger.error(
              { err, deliveryIds: group.map((d) => d.id) },
              'delivery failed unexpectedly; it will be retried when its lease lapses',
            );
            return [];
          });
        for (const o of outcomes) stats[o]++;
      }),
    );
  }

  private async loadContext(batch: Delivery[]) {
    const accountIds = [...new Set(batch.map((d) => d.accountId))];
    // One read per kind for the whole batch; a resource counts only for a notice of its own account (see deliver).
    const [notices, resources, accounts] = await Promise.all([
      this.notices.getMany(accountIds, [...new Set(batch.flatMap((d) => d.noticeIds))]),
      this.resources.loadMany(ALL_ACCOUNTS, [...new Set(batch.flatMap((d) => d.resourceIds))]),
      this.accounts.getMany(accountIds),
    ]);
    return { notices, resources, accounts: new Map(accounts.map((a) => [a.id, a])) };
  }

  /**
   * Sends one message for a delivery, or for the deliveries of one digest: recheck → render → recover an
   * interrupted send → send → decideOutcome. Resolves once the message is sent, with `recorded`: each
   * delivery's outcome once it is written (wrapped, so that awaiting the send does not await the writes).
   */
  private async deliver(group: Delivery[], token: string, ctx: BatchContext): Promise<{ recorded: Promise<(keyof WorkStats)[]> }> {
    const record = new GroupRecord<keyof WorkStats>();
    const holding = this.recheck(group, token, ctx, record);
    if (holding.length === 0) return record.settled();
    // A stable lead: its id is the dedupe key the provider sees for this message.
    holding.sort((a, b) => (a.delivery.id < b.delivery.id ? -1 : 1));
    const lead = holding[0].delivery;
    const finishAll = (change: FinishChange, outcome: keyof WorkStats) => {
      for (const { delivery } of holding) {
        const sentWith = delivery.id !== lead.id ? { sentWith: lead.id } : {};
        record.add(this.deliveries.finish(delivery, token, { ...change, ...sentWith }, this.wall.now()), outcome);
      }
      return record.settled();
    };

    const sender = this.channels.get(lead.channel);
    if (!sender) return finishAll({ status: 'skipped', reason: 'channel_off' }, 'cancelled');
    const content = this.render(lead, holding, ctx);
    if ('failed' in content) return finishAll({ status: 'failed', reason: content.failed.error, attempt: content.failed }, 'failed');
    const message: OutgoingMessage = {
      deliveryId: lead.id,
      to: lead.to,
      locale: lead.locale,
      content,
      accountId: lead.accountId,
      type: lead.type,
    };
    const interrupted = await this.findInterruptedSend(holding, sender, message);
    if (interrupted === 'unknown') return record.settled(['retried']);
    if (interrupted)
      return finishAll({ status: 'sent', attempt: interrupted.attempt, providerMessageId: interrupted.providerMessageId }, 'sent');

    const sent = await this.send(holding, token, sender, message);
    if (!sent) return record.settled(['retried']);
    const decision = decideOutcome(
      sent.result,
      {
        number: Math.max(...holding.map((h) => h.delivery.attemptCount)) + 1,
        deferrals: Math.max(...holding.map((h) => h.delivery.deferrals)),
        startedAt: sent.attempt.at,
        decidedAt: this.wall.now(),
      },
      this.config.delivery,
    );
    return finishAll(...this.recordOf(decision, sent.attempt));
  }

  /**
   * Re-checks that each delivery's notice still holds (a renewal cancels what was queued for the old term):
   * the others are cancelled into `record`, and those that hold come back with their notices.
   */
  private recheck(group: Delivery[], token: string, ctx: BatchContext, record: GroupRecord<keyof WorkStats>): Holding[] {
    const first = group[0];
    const account = this.planning.accountState(first.accountId, ctx.accounts.get(first.accountId));
    const holding: Holding[] = [];
    for (const d of group) {
      const notice = ctx.notices.get(d.noticeIds[0]);
      const found = notice?.resourceId ? ctx.resources.get(notice.resourceId) : undefined;
      const resource = found?.accountId === notice?.accountId ? found : undefined;
      const verdict = notice
        ? stillHolds(notice, resource ? resourceStateOf(resource) : null, account)
        : { holds: false as const, why: 'notice not found' };
      if (verdict.holds) holding.push({ delivery: d, notice: notice! });
      else record.add(this.deliveries.finish(d, token, { status: 'cancelled', reason: verdict.why }, this.wall.now()), 'cancelled');
    }
    return holding;
  }

  /** The lead's template in its channel and language, over the holding notices by due date; a failure to render is a permanent attempt. */
  private render(lead: Delivery, holding: Holding[], ctx: BatchContext): RenderedMessage | { failed: Attempt & { error: string } } {
    try {
      const items = [...holding].sort(
        (a, b) => a.notice.dueAt.getTime() - b.notice.dueAt.getTime() || (a.notice.id < b.notice.id ? -1 : 1),
      );
      return this.templates.render(
        lead.type,
        lead.channel,
        lead.locale,
        buildMessageContext({
          locale: lead.locale,
          timeZone: lead.timeZone,
          // Rendered now, for sending now: "in 3 days" counts from this instant, however late the notice goes out.
          now: this.clock.now(),
          recipient: { name: lead.recipientName },
          account: { id: lead.accountId, name: ctx.accounts.get(lead.accountId)?.name ?? lead.accountId },
          type: lead.type,
          notices: items.map(({ notice }) => {
            const policy = this.policies.get(notice.product);
            return { data: notice.data, dueAt: notice.dueAt, productName: policy?.name, renewUrl: policy?.doc.renewUrl };
          }),
          consoleUrl: `${this.config.publicUrl}/console`,
        }),
      );
    } catch (err) {
      return {
        failed: {
          at: this.wall.now(),
          outcome: 'permanent',
          error: `rendering failed: ${(err as Error).message}`,
          code: 'TEMPLATE',
          durationMs: 0,
        },
      };
    }
  }

  /**
   * Sends the message once the channel's rate limit allows, and returns the provider's answer with the attempt
   * to store (provider text scrubbed). Null when the send was not made: the in-flight mark could not be set.
   */
  private async send(
    holding: Holding[],
    token: string,
    sender: ChannelSender,
    message: OutgoingMessage,
  ): Promise<{ result: SendResult; attempt: Attempt } | null> {
    const lead = holding[0].delivery;
    await this.limiters[lead.channel].take();
    if (
      // Marked right before sending: a send whose outcome the database could not record (it is away, or the
      // lease was lost) is not made at all, rather than made and repeated later.
      !sender.idempotent &&
      !(await this.deliveries.markInFlight(
        holding.map((h) => h.delivery.id),
        token,
        this.wall.now(),
        this.config.leaseMs,
      ))
    )
      return null;
    const started = this.wall.now();
    const t0 = performance.now();
    const result: SendResult = await sender
      .send(message)
      .catch((err: unknown) => ({ outcome: 'transient' as const, error: `sender threw: ${(err as Error).message}` }));
    const attempt: Attempt = {
      at: started,
      outcome: result.outcome,
      durationMs: Math.round(performance.now() - t0),
      ...(result.outcome !== 'sent' ? { error: result.error && this.scrub(result.error), code: result.code } : {}),
      ...(result.response !== undefined ? { response: JSON.parse(this.scrub(JSON.stringify(result.response))) as unknown } : {}),
    };
    return { result, attempt };
  }

  /** How a decision is written to each delivery of the message, and what it counts as. */
  private recordOf(decision: Decision, attempt: Attempt): [FinishChange, keyof WorkStats] {
    switch (decision.kind) {
      case 'sent':
        return [{ status: 'sent', attempt, providerMessageId: decision.providerMessageId }, 'sent'];
      case 'fail':
        return [{ status: 'failed', reason: decision.reason, attempt, ...(decision.deferred ? { deferred: true } : {}) }, 'failed'];
      case 'defer':
        return [{ status: 'pending', attempt, deferred: true, retryAt: decision.until }, 'retried'];
      case 'retry':
        return [{ status: 'pending', attempt, retryAt: decision.at, inFlightSince: decision.inFlightSince }, 'retried'];
    }
  }

  /**
   * A delivery still marked in flight when claimed was cut off mid-send (its worker died). Channels
   * whose provider cannot drop a repeat are asked whether the message went out; if it did, that is
   * recorded instead of sending again. 'unknown' (the provider could not answer) leaves the delivery,
   * still marked, to be asked again when its lease lapses.
   */
  private async findInterruptedSend(
    holding: { delivery: Delivery }[],
    sender: ChannelSender,
    message: OutgoingMessage,
  ): Promise<{ attempt: Attempt; providerMessageId: string } | null | 'unknown'> {
    const marks = holding.flatMap((h) => (h.delivery.inFlightSince ? [h.delivery.inFlightSince.getTime()] : []));
    if (marks.length === 0 || !sender.findSent) return null;
    const since = new Date(Math.min(...marks));
    const at = this.wall.now();
    const t0 = performance.now();
    const found = await sender.findSent(message, since).catch((err: unknown) => {
      this.logger.warn({ err, deliveryId: message.deliveryId }, 'could not ask the provider about an interrupted send; asking again later');
      return 'unknown' as const;
    });
    if (found === 'unknown' || found === null) return found;
    // The same body to the same address may belong to another delivery (two members sharing a phone).
    const owner = await this.deliveries.findByProviderMessageId(found.providerMessageId);
    if (owner && !holding.some((h) => h.delivery.id === owner.id)) return null;
    this.logger.log(
      { deliveryId: message.deliveryId, providerMessageId: found.providerMessageId },
      'interrupted send had gone out; recorded, not repeated',
    );
    return {
      providerMessageId: found.providerMessageId,
      attempt: { at, outcome: 'sent', response: found.response, durationMs: Math.round(performance.now() - t0) },
    };
  }
}
