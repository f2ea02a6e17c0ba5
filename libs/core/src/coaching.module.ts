import { Module } from '@nestjs/common';
import { EngagementsController } from './engagements/engagements.controller';
import { EngagementsRepository } from './engagements/engagements.repository';
import { EngagementsService } from './engagements/engagements.service';
import { GoalsController } from './goals/goals.controller';
import { GoalsRepository } from './goals/goals.repository';
import { GoalsService } from './goals/goals.service';
import { MeasuresService } from './goals/measures.service';
import { ProgressRepository } from './goals/progress.repository';
import { WinsService } from './goals/wins.service';
import { IdentityModule } from './identity.module';
import { OutboxService } from './outbox/outbox.service';

/** Engagements and the goals agreed in them: SMART goals, versions, milestones, metrics, wins. */
@Module({
  imports: [IdentityModule],
  providers: [EngagementsService, EngagementsRepository, GoalsService, GoalsRepository, MeasuresService, ProgressRepository, WinsService, OutboxService],
  exports: [EngagementsService, EngagementsRepository, GoalsService, GoalsRepository, MeasuresService, ProgressRepository, WinsService, OutboxService],
})
export class CoachingModule {}

/** The API's side of engagements and goals. */
@Module({ imports: [CoachingModule], controllers: [EngagementsController, GoalsController] })
export class CoachingHttpModule {}
