import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { NoticesModule } from '../notices/notices.module';
import { ResourcesModule } from '../resources/resources.module';
import { PlanningModule } from '../planning/planning.module';
import { TimelineController } from './timeline.controller';
import { TimelineService } from './timeline.service';

@Module({
  imports: [AccountsModule, ResourcesModule, NoticesModule, PlanningModule],
  controllers: [TimelineController],
  providers: [TimelineService],
  exports: [TimelineService],
})
export class TimelineModule {}
