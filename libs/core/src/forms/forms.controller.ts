import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, PageQuery, Roles } from '@app/common';
import { AssignmentsService } from './assignments.service';
import {
  AlertsQuery, AssessmentAlertPage, AssignmentDto, AssignmentPage, CreateAssignmentDto, CreateFormDto, CreateResponseDto, FormDto, FormPage, FormsQuery,
  ResponseDto, ResponsePage, ScoreSeriesList,
} from './dto/form.dto';
import { FormsService } from './forms.service';

@ApiTags('forms')
@Controller('v1')
export class FormsController {
  constructor(
    private readonly forms: FormsService,
    private readonly assignments: AssignmentsService,
  ) {}

  /** A practice form: questions, scoring, bands and alert rules; one that cannot be answered is a 400. */
  @Post('forms')
  @Roles('owner', 'coach')
  create(@Ctx() ctx: AuthContext, @Body() dto: CreateFormDto): Promise<FormDto> {
    return this.forms.create(ctx, dto);
  }

  /** The built-in instruments, then the practice's own forms; a client sees only forms assigned to them. */
  @Get('forms')
  list(@Ctx() ctx: AuthContext, @Query() q: FormsQuery): Promise<FormPage> {
    return this.forms.list(ctx, q);
  }

  /** A built-in by name (phq-9, gad-7, wheel-of-life) or a practice form by id. */
  @Get('forms/:id')
  get(@Ctx() ctx: AuthContext, @Param('id') id: string): Promise<FormDto> {
    return this.forms.get(ctx, id);
  }

  /** Once or on a cadence; the client is prompted each time one falls due, in their own time zone. */
  @Post('engagements/:id/assignments')
  @Roles('owner', 'coach')
  assign(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateAssignmentDto): Promise<AssignmentDto> {
    return this.assignments.create(ctx, id, dto);
  }

  /** An engagement's assignments in creation order. */
  @Get('engagements/:id/assignments')
  listAssignments(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: PageQuery): Promise<AssignmentPage> {
    return this.assignments.list(ctx, id, q);
  }

  /** One assignment, with its form's title. */
  @Get('assignments/:id')
  getAssignment(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<AssignmentDto> {
    return this.assignments.get(ctx, id);
  }

  /** Stops future prompts; responses are kept. */
  @Delete('assignments/:id')
  @HttpCode(204)
  @Roles('owner', 'coach')
  stop(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.assignments.stop(ctx, id);
  }

  /** The client's answers, scored by the server. */
  @Post('assignments/:id/responses')
  @Roles('client')
  respond(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateResponseDto): Promise<ResponseDto> {
    return this.assignments.respond(ctx, id, dto);
  }

  /** An assignment's responses, oldest first, each with its score and band. */
  @Get('assignments/:id/responses')
  responses(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: PageQuery): Promise<ResponsePage> {
    return this.assignments.responses(ctx, id, q);
  }

  /** One response; its alert texts for the coach only. */
  @Get('responses/:id')
  response(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ResponseDto> {
    return this.assignments.response(ctx, id);
  }

  /** The coach acknowledges a response's alerts (audited). */
  @Post('responses/:id/acknowledge')
  @HttpCode(200)
  @Roles('owner', 'coach')
  acknowledge(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ResponseDto> {
    return this.assignments.acknowledge(ctx, id);
  }

  /** Responses whose answers met an alert rule, newest first; by default those not yet acknowledged. */
  @Get('assessment-alerts')
  @Roles('owner', 'coach')
  alerts(@Ctx() ctx: AuthContext, @Query() q: AlertsQuery): Promise<AssessmentAlertPage> {
    return this.assignments.alerts(ctx, q);
  }

  /** Each scored form's score history for the engagement, oldest first, with the form's bands. */
  @Get('engagements/:id/scores')
  scores(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ScoreSeriesList> {
    return this.assignments.scores(ctx, id);
  }
}
