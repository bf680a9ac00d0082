import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { NoticesModule } from '../notices/notices.module';
import { PlanningModule } from '../planning/planning.module';
import { ResourcesModule } from '../resources/resources.module';
import { SchedulerController } from './scheduler.controller';
import { SchedulerRunner } from './scheduler.runner';
import { SchedulerService } from './scheduler.service';

@Module({
  imports: [AccountsModule, ResourcesModule, NoticesModule, PlanningModule],
  controllers: [SchedulerController],
  providers: [SchedulerService, SchedulerRunner],
  exports: [SchedulerService],
})
export class SchedulerModule {}
