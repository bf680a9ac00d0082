import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PoliciesModule } from '../policies/policies.module';
import { ResourcesModule } from '../resources/resources.module';
import { PhaseBackfill } from './phase-backfill';
import { PlanningService } from './planning.service';

/** Stored documents to planner input and planner output to notice documents, for ingestion, the scheduler, delivery and the timeline. */
@Module({
  imports: [AccountsModule, ResourcesModule, PoliciesModule],
  providers: [PlanningService, PhaseBackfill],
  exports: [PlanningService],
})
export class PlanningModule {}
