import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { ResourcesModule } from '../resources/resources.module';
import { EVENT, EventSchema } from './event.schema';
import { EventRepository } from './event.repository';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: EVENT, schema: EventSchema }]), AccountsModule, ResourcesModule],
  controllers: [EventsController],
  providers: [EventRepository, EventsService],
  exports: [EventsService],
})
export class EventsModule {}
