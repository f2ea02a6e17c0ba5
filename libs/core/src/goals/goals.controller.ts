import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import {
  AgreeGoalDto, CreateMeasurementDto, CreateMetricDto, CreateMilestoneDto, GoalDto, GoalRevisionList, MeasurementDto, MeasurementPage,
  MeasurementsQuery, MetricDto, MilestoneDto, RequestChangesDto, UpdateGoalDto, UpdateMeasurementDto, UpdateMilestoneDto,
} from './dto/goal.dto';
import { GoalsService } from './goals.service';
import { MeasuresService } from './measures.service';

@ApiTags('goals')
@Controller('v1')
export class GoalsController {
  constructor(
    private readonly goals: GoalsService,
    private readonly measures: MeasuresService,
  ) {}

  /** With SMART completeness, progress, metrics and milestones. */
  @Get('goals/:id')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<GoalDto> {
    return this.goals.get(ctx, id);
  }

  /** Editing the terms of an agreed goal makes a new version, proposed to the client again. */
  @Patch('goals/:id')
  @Roles('owner', 'coach')
  update(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateGoalDto): Promise<GoalDto> {
    return this.goals.update(ctx, id, dto);
  }

  /** Drafts only. */
  @Delete('goals/:id')
  @HttpCode(204)
  @Roles('owner', 'coach')
  remove(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.goals.remove(ctx, id);
  }

  /** 409 with errors naming each missing SMART part until the goal is SMART-complete. */
  @Post('goals/:id/propose')
  @HttpCode(200)
  @Roles('owner', 'coach')
  propose(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<GoalDto> {
    return this.goals.propose(ctx, id);
  }

  /** The client agrees to the version named; a stale version is 409. */
  @Post('goals/:id/agree')
  @HttpCode(200)
  @Roles('client')
  agree(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: AgreeGoalDto): Promise<GoalDto> {
    return this.goals.agree(ctx, id, dto);
  }

  /** The client asks for changes to a proposed goal, with a comment; the coach is notified. */
  @Post('goals/:id/request-changes')
  @HttpCode(200)
  @Roles('client')
  requestChanges(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: RequestChangesDto): Promise<GoalDto> {
    return this.goals.requestChanges(ctx, id, dto);
  }

  /** Marks an agreed goal achieved (terminal). */
  @Post('goals/:id/achieve')
  @HttpCode(200)
  @Roles('owner', 'coach')
  achieve(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<GoalDto> {
    return this.goals.achieve(ctx, id);
  }

  /** Abandons a goal (terminal). */
  @Post('goals/:id/abandon')
  @HttpCode(200)
  @Roles('owner', 'coach')
  abandon(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<GoalDto> {
    return this.goals.abandon(ctx, id);
  }

  /** Every version's terms, who proposed it, who agreed and when. */
  @Get('goals/:id/revisions')
  async revisions(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<GoalRevisionList> {
    return { data: await this.goals.revisions(ctx, id) };
  }

  /** Adds a milestone, a small step toward the goal. */
  @Post('goals/:id/milestones')
  @Roles('owner', 'coach')
  addMilestone(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateMilestoneDto): Promise<MilestoneDto> {
    return this.measures.addMilestone(ctx, id, dto);
  }

  /** The client may set done, and only done. */
  @Patch('milestones/:id')
  updateMilestone(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateMilestoneDto): Promise<MilestoneDto> {
    return this.measures.updateMilestone(ctx, id, dto);
  }

  /** Deletes a milestone. */
  @Delete('milestones/:id')
  @HttpCode(204)
  @Roles('owner', 'coach')
  removeMilestone(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.measures.removeMilestone(ctx, id);
  }

  /** Adds a measurable outcome with a unit, baseline and target. */
  @Post('goals/:id/metrics')
  @Roles('owner', 'coach')
  addMetric(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateMetricDto): Promise<MetricDto> {
    return this.measures.addMetric(ctx, id, dto);
  }

  /** Records a measurement of a metric (the coach or the client). */
  @Post('metrics/:id/measurements')
  record(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateMeasurementDto): Promise<MeasurementDto> {
    return this.measures.record(ctx, id, dto);
  }

  /** Chronological; filters from and to. */
  @Get('metrics/:id/measurements')
  measurements(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: MeasurementsQuery): Promise<MeasurementPage> {
    return this.measures.measurements(ctx, id, q);
  }

  /** Corrects a measurement's value, time or note; a client only those they recorded. */
  @Patch('measurements/:id')
  correctMeasurement(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateMeasurementDto): Promise<MeasurementDto> {
    return this.measures.correct(ctx, id, dto);
  }

  /** Deletes a wrong measurement; a client only those they recorded. */
  @Delete('measurements/:id')
  @HttpCode(204)
  removeMeasurement(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.measures.remove(ctx, id);
  }
}
