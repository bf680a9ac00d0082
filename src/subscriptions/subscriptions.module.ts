import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { SUBSCRIPTION, SubscriptionSchema } from './subscription.schema';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionsController } from './subscriptions.controller';

@Module({
  imports: [MongooseModule.forFeature([{ name: SUBSCRIPTION, schema: SubscriptionSchema }]), AccountsModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionRepository],
  exports: [SubscriptionRepository],
})
export class SubscriptionsModule {}
