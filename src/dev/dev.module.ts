import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { EventsModule } from '../events/events.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { DemoSeedService } from './demo-seed';
import { DevController } from './dev.controller';

/** Loaded only with NODE_ENV=development: token minting, the console's member picker and the demo account. */
@Module({
  imports: [AccountsModule, AuthModule, EventsModule, SchedulerModule, DeliveryModule, SubscriptionsModule],
  controllers: [DevController],
  providers: [DemoSeedService],
})
export class DevModule {}
