import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AccountRepository } from '../accounts/account.repository';
import { AccountsService } from '../accounts/accounts.service';
import type { Principal } from '../common/auth/principal';
import { Clock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import { DeliveryRunner } from '../delivery/delivery.runner';
import { EventsService } from '../events/events.service';
import { MESSAGE_TYPE_SPECS, MESSAGE_TYPES } from '../lifecycle/message-types';
import { SchedulerService } from '../scheduler/scheduler.service';
import { defaultSubscription, SubscriptionRepository } from '../subscriptions/subscription.repository';
import { DEMO_ACCOUNT, DEMO_ACCOUNT_ID, DEMO_GROUP, DEMO_MEMBERS, demoEvents } from './demo-data';

const SEEDER: Principal = { kind: 'service', keyId: 'demo-seed', name: 'demo seed' };
// Collections whose documents carry the account id; `accounts` and `subscriptions` are keyed by it.
const ACCOUNT_COLLECTIONS = ['members', 'receiver_groups', 'resources', 'events', 'notices', 'deliveries', 'inbox'];

/**
 * Development only: a populated demo account, so a newcomer opening the console sees every page with data.
 * Everything goes through the real services (accounts, events, scheduler, delivery), as upstream would drive them.
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private running: Promise<void> | null = null;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly accountRepo: AccountRepository,
    private readonly accounts: AccountsService,
    private readonly subscriptions: SubscriptionRepository,
    private readonly events: EventsService,
    private readonly scheduler: SchedulerService,
    private readonly delivery: DeliveryRunner,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.demoSeed === 'off') return;
    // In the background: Herald starts listening at once and the demo fills in a few seconds later.
    this.running = this.run(this.config.demoSeed === 'reset').catch((err) =>
      this.logger.error({ err }, 'demo seed failed; the console still works with other accounts'),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.running;
  }

  async run(reset: boolean): Promise<void> {
    const consoleUrl = `${this.config.publicUrl}/console`;
    if (!reset && (await this.accountRepo.get(DEMO_ACCOUNT_ID))) {
      this.logger.log(`demo account "${DEMO_ACCOUNT_ID}" present: open ${consoleUrl} and pick a member (npm run demo re-seeds it)`);
      return;
    }
    if (reset) await this.wipe();
    const { events } = await this.seed();
    this.logger.log(`demo account "${DEMO_ACCOUNT_ID}" seeded from ${events} events: open ${consoleUrl} and pick a member`);
  }

  /** Creates the demo account and its history; the account must not exist yet. */
  async seed(): Promise<{ events: number }> {
    await this.accounts.putAccount(DEMO_ACCOUNT_ID, DEMO_ACCOUNT, SEEDER);
    for (const member of DEMO_MEMBERS) await this.accounts.addMember(DEMO_ACCOUNT_ID, member, SEEDER);
    await this.accounts.createGroup(DEMO_ACCOUNT_ID, DEMO_GROUP, SEEDER);
    // The receive-only receiver hears of expiries (all channels the account uses) through the on-call group.
    const expiryTypes = MESSAGE_TYPES.filter((t) => MESSAGE_TYPE_SPECS[t].category === 'expiry');
    await this.subscriptions.put(
      DEMO_ACCOUNT_ID,
      Object.fromEntries(
        expiryTypes.map((t) => {
          const sub = defaultSubscription(t);
          return [t, { ...sub, receivers: { ...sub.receivers, groupIds: [DEMO_GROUP.id] } }];
        }),
      ),
      this.clock.now(),
    );
    const events = demoEvents(this.clock.now());
    await this.events.ingest(events);
    await this.scheduler.runPass();
    await this.delivery.runOnce();
    return { events: events.length };
  }

  private async wipe(): Promise<void> {
    const db = this.connection.db!;
    await Promise.all([
      ...ACCOUNT_COLLECTIONS.map((name) => db.collection(name).deleteMany({ accountId: DEMO_ACCOUNT_ID })),
      db.collection('accounts').deleteMany({ _id: DEMO_ACCOUNT_ID } as object),
      db.collection('subscriptions').deleteMany({ _id: DEMO_ACCOUNT_ID } as object),
    ]);
  }
}
