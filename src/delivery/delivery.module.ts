import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { InboxModule } from '../inbox/inbox.module';
import { NoticesModule } from '../notices/notices.module';
import { PlanningModule } from '../planning/planning.module';
import { PoliciesModule } from '../policies/policies.module';
import { ResourcesModule } from '../resources/resources.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { TemplatesModule } from '../templates/templates.module';
import { ChannelsService } from './channels.service';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryRunController } from './delivery-run.controller';
import { DELIVERY, DeliverySchema } from './delivery.schema';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryRunner } from './delivery.runner';
import { DeliveryWorker } from './delivery.worker';
import { FanoutService } from './fanout.service';
import { TwilioWebhookController } from './twilio-webhook.controller';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: DELIVERY, schema: DeliverySchema }]),
    AccountsModule,
    InboxModule,
    NoticesModule,
    PlanningModule,
    PoliciesModule,
    ResourcesModule,
    SubscriptionsModule,
    TemplatesModule,
  ],
  controllers: [DeliveriesController, DeliveryRunController, TwilioWebhookController],
  providers: [DeliveryRepository, ChannelsService, FanoutService, DeliveryWorker, DeliveryRunner],
  exports: [ChannelsService, DeliveryRunner, DeliveryRepository],
})
export class DeliveryModule {}
