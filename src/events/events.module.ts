import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { ResourcesModule } from '../resources/resources.module';
import { EVENT, EventSchema } from './event.schema';
import { EventRepository } from './event.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { EventApplier } from './event-applier';
import { NoticesModule } from '../notices/notices.module';
import { PoliciesModule } from '../policies/policies.module';
import { PlanningModule } from '../planning/planning.module';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: EVENT, schema: EventSchema }]),
    AccountsModule,
    ResourcesModule,
    NoticesModule,
    PoliciesModule,
    PlanningModule,
  ],
  controllers: [EventsController],
  providers: [EventRepository, EventsService, EventApplier],
  exports: [EventsService, EventRepository],
})
export class EventsModule {}
