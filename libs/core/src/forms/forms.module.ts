import { Module } from '@nestjs/common';
import { CoachingModule } from '../coaching.module';
import { IdentityModule } from '../identity.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AssignmentsService } from './assignments.service';
import { FormsController } from './forms.controller';
import { FormsRepository } from './forms.repository';
import { FormsService } from './forms.service';

/** Forms, built-in instruments, assignments and scored responses; the worker's schedule pass uses AssignmentsService. */
@Module({
  imports: [IdentityModule, CoachingModule, NotificationsModule],
  providers: [FormsService, FormsRepository, AssignmentsService],
  exports: [FormsService, FormsRepository, AssignmentsService],
})
export class FormsModule {}

/** The API's side of forms. */
@Module({ imports: [FormsModule], controllers: [FormsController] })
export class FormsHttpModule {}
