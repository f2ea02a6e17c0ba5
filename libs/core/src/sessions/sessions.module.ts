import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { CoachingModule } from '../coaching.module';
import { IdentityModule } from '../identity.module';
import { ActionItemsService } from './action-items.service';
import { AgendaService } from './agenda.service';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Sessions with their agendas, notes and action items, and the calendar feed. */
@Module({
  imports: [IdentityModule, CoachingModule, NotificationsModule],
  controllers: [SessionsController, CalendarController],
  providers: [SessionsService, SessionsRepository, AgendaService, ActionItemsService, CalendarService],
  exports: [SessionsService, SessionsRepository],
})
export class SessionsModule {}
