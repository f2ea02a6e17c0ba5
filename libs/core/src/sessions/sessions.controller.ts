import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { ActionItemsService } from './action-items.service';
import { AgendaService } from './agenda.service';
import { ActionItemDto, ActionItemPage, ActionItemsQuery, CreateActionItemDto, UpdateActionItemDto } from './dto/action-item.dto';
import { AgendaDto, AgendaItemDto, CreateAgendaItemDto, UpdateAgendaItemDto } from './dto/agenda-item.dto';
import { ReminderDto } from '../notifications/dto/notification.dto';
import { CancelSessionDto, CompleteSessionDto, CreateSessionDto, SessionDto, SessionPage, SessionsQuery, UpdateSessionDto } from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@Controller('v1')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly agendas: AgendaService,
    private readonly actionItems: ActionItemsService,
  ) {}

  /** Books a session in a planned or active engagement; overlapping another scheduled session of the coach is 409. */
  @Post('engagements/:id/sessions')
  @Roles('owner', 'coach')
  schedule(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateSessionDto): Promise<SessionDto> {
    return this.sessions.schedule(ctx, id, dto);
  }

  /** The calendar, ordered by startsAt: sessions overlapping [from, to), filtered by coach, client, engagement, status. */
  @Get('sessions')
  list(@Ctx() ctx: AuthContext, @Query() q: SessionsQuery): Promise<SessionPage> {
    return this.sessions.list(ctx, q);
  }

  /** A client never receives privateNotes. */
  @Get('sessions/:id')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<SessionDto> {
    return this.sessions.get(ctx, id);
  }

  /** A new startsAt or duration reschedules: sequence + 1, while scheduled. */
  @Patch('sessions/:id')
  @Roles('owner', 'coach')
  update(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateSessionDto): Promise<SessionDto> {
    return this.sessions.update(ctx, id, dto);
  }

  /** Cancels a session and its pending reminders. The client may cancel a session of theirs; less than the practice's cancellationNoticeHours ahead it is a lateCancellation and still counts. */
  @Post('sessions/:id/cancel')
  @HttpCode(200)
  cancel(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CancelSessionDto): Promise<SessionDto> {
    return this.sessions.cancel(ctx, id, dto);
  }

  /** Records the summary, private notes, objectives met and outcome results. */
  @Post('sessions/:id/complete')
  @HttpCode(200)
  @Roles('owner', 'coach')
  complete(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CompleteSessionDto): Promise<SessionDto> {
    return this.sessions.complete(ctx, id, dto);
  }

  /** Records that the client did not come. */
  @Post('sessions/:id/no-show')
  @HttpCode(200)
  @Roles('owner', 'coach')
  noShow(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<SessionDto> {
    return this.sessions.noShow(ctx, id);
  }

  /** The items in order, with the open action items carried over from earlier sessions. */
  @Get('sessions/:id/agenda')
  agenda(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<AgendaDto> {
    return this.agendas.agenda(ctx, id);
  }

  /** The coach adds any kind; the client topics, objectives and barriers. */
  @Post('sessions/:id/agenda/items')
  addAgendaItem(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateAgendaItemDto): Promise<AgendaItemDto> {
    return this.agendas.addItem(ctx, id, dto);
  }

  /** The coach edits any item; the client only items they proposed. */
  @Patch('agenda-items/:id')
  updateAgendaItem(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateAgendaItemDto): Promise<AgendaItemDto> {
    return this.agendas.updateItem(ctx, id, dto);
  }

  /** Deletes an agenda item: the coach any, the client those they proposed. */
  @Delete('agenda-items/:id')
  @HttpCode(204)
  removeAgendaItem(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.agendas.removeItem(ctx, id);
  }

  /** An action item for the session's client. */
  @Post('sessions/:id/action-items')
  @Roles('owner', 'coach')
  addActionItem(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateActionItemDto): Promise<ActionItemDto> {
    return this.actionItems.create(ctx, id, dto);
  }

  /** In creation order; filter done. */
  @Get('engagements/:id/action-items')
  listActionItems(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: ActionItemsQuery): Promise<ActionItemPage> {
    return this.actionItems.list(ctx, id, q);
  }

  /** The client may set done, and only done. */
  @Patch('action-items/:id')
  updateActionItem(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateActionItemDto): Promise<ActionItemDto> {
    return this.actionItems.update(ctx, id, dto);
  }

  /** The session's reminders to coach and client, by email and in-app, sent or not. */
  @Get('sessions/:id/reminders')
  @Roles('owner', 'coach')
  reminders(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ReminderDto[]> {
    return this.sessions.reminders(ctx, id);
  }
}
