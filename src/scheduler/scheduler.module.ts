import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { NoticesModule } from '../notices/notices.module';
import { PoliciesModule } from '../policies/policies.module';
import { ResourcesModule } from '../resources/resources.module';
import { PhaseBackfill } from './phase-backfill';
import { PlanningService } from './planning.service';
import { SchedulerController } from './scheduler.controller';
import { SchedulerRunner } from './scheduler.runner';
import { SchedulerService } from './scheduler.service';

@Module({
  imports: [AccountsModule, ResourcesModule, NoticesModule, PoliciesModule],
  controllers: [SchedulerController],
  providers: [PlanningService, SchedulerService, SchedulerRunner, PhaseBackfill],
  exports: [PlanningService, SchedulerService],
})
export class SchedulerModule {}
