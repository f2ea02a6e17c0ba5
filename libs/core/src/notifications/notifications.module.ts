import { Module } from '@nestjs/common';
import { NotificationPreferencesController } from '../notification-preferences/notification-preferences.controller';
import { NotificationPreferencesRepository } from '../notification-preferences/notification-preferences.repository';
import { NotificationPreferencesService } from '../notification-preferences/notification-preferences.service';
import { UnsubscribeController } from '../notification-preferences/unsubscribe.controller';
import { UnsubscribeTokens } from '../notification-preferences/unsubscribe-token';
import { DeliveryTuning } from './delivery-tuning';
import { MailerService } from './delivery/mailer.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { PromptsConsumer } from './prompts.consumer';

const SHARED = [NotificationsService, MailerService, DeliveryTuning, PromptsConsumer, NotificationPreferencesRepository, NotificationPreferencesService, UnsubscribeTokens];

/** Notification records, preferences, mail and prompts: shared by the API and the worker (no controllers). */
@Module({ providers: SHARED, exports: SHARED })
export class NotificationsModule {}

/** The API's side: the in-app inbox, preferences, unsubscribe links and the development mailbox. */
@Module({ imports: [NotificationsModule], controllers: [NotificationsController, NotificationPreferencesController, UnsubscribeController] })
export class NotificationsHttpModule {}
