import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { NoticesModule } from '../notices/notices.module';
import { PlanningModule } from '../planning/planning.module';
import { ResourcesModule } from '../resources/resources.module';
import { TimelineController } from './timeline.controller';
import { TimelineService } from './timeline.service';

@Module({
  imports: [AccountsModule, ResourcesModule, NoticesModule, DeliveryModule, PlanningModule],
  controllers: [TimelineController],
  providers: [TimelineService],
  exports: [TimelineService],
})
export class TimelineModule {}
