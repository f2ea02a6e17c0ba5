import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, PageQuery, Roles } from '@app/common';
import { CreateGoalDto, GoalDto, GoalPage, GoalsQuery, WinPage } from '../goals/dto/goal.dto';
import { GoalsService } from '../goals/goals.service';
import { WinsService } from '../goals/wins.service';
import { CreateEngagementDto, EngagementDetailDto, EngagementDto, EngagementPage, EngagementsQuery, UpdateEngagementDto } from './dto/engagement.dto';
import { EngagementsService } from './engagements.service';

@ApiTags('engagements')
@Controller('v1/engagements')
export class EngagementsController {
  constructor(
    private readonly engagements: EngagementsService,
    private readonly goals: GoalsService,
    private readonly wins: WinsService,
  ) {}

  /** Starts as planned. */
  @Post()
  @Roles('owner', 'coach')
  create(@Ctx() ctx: AuthContext, @Body() dto: CreateEngagementDto): Promise<EngagementDto> {
    return this.engagements.create(ctx, dto);
  }

  /** Engagements the caller may see; filters clientId, coachId, status. */
  @Get()
  list(@Ctx() ctx: AuthContext, @Query() q: EngagementsQuery): Promise<EngagementPage> {
    return this.engagements.list(ctx, q);
  }

  /** With a summary of goals, progress, sessions, reviews and action items. */
  @Get(':id')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<EngagementDetailDto> {
    return this.engagements.get(ctx, id);
  }

  /** Edits an engagement's details (title, dates, allocation, cadences) or moves its status along the state machine. */
  @Patch(':id')
  @Roles('owner', 'coach')
  update(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateEngagementDto): Promise<EngagementDetailDto> {
    return this.engagements.update(ctx, id, dto);
  }

  /** Creates a draft goal (version 1). */
  @Post(':id/goals')
  @Roles('owner', 'coach')
  createGoal(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateGoalDto): Promise<GoalDto> {
    return this.goals.create(ctx, id, dto);
  }

  /** A client sees no drafts. */
  @Get(':id/goals')
  listGoals(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: GoalsQuery): Promise<GoalPage> {
    return this.goals.list(ctx, id, q);
  }

  /** Milestones done, measurements toward target, objectives met, goals achieved; newest first. */
  @Get(':id/wins')
  listWins(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: PageQuery): Promise<WinPage> {
    return this.wins.list(ctx, id, q);
  }
}
