import { Module } from '@nestjs/common';
import { DeliveryTuning } from './delivery-tuning';
import { MailerService } from './mailer.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { PromptsConsumer } from './prompts.consumer';

/** Notification records, mail and prompts: shared by the API and the worker (no controllers). */
@Module({
  providers: [NotificationsService, MailerService, DeliveryTuning, PromptsConsumer],
  exports: [NotificationsService, MailerService, DeliveryTuning, PromptsConsumer],
})
export class NotificationsModule {}

/** The API's side: the in-app inbox and the development mailbox. */
@Module({ imports: [NotificationsModule], controllers: [NotificationsController] })
export class NotificationsHttpModule {}
