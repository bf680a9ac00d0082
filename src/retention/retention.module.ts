import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { EventsModule } from '../events/events.module';
import { InboxModule } from '../inbox/inbox.module';
import { NoticesModule } from '../notices/notices.module';
import { PoliciesModule } from '../policies/policies.module';
import { ResourcesModule } from '../resources/resources.module';
import { RetentionController } from './retention.controller';
import { RetentionRunner } from './retention.runner';
import { RetentionService } from './retention.service';

@Module({
  imports: [DeliveryModule, EventsModule, InboxModule, NoticesModule, PoliciesModule, ResourcesModule],
  controllers: [RetentionController],
  providers: [RetentionService, RetentionRunner],
  exports: [RetentionService],
})
export class RetentionModule {}
