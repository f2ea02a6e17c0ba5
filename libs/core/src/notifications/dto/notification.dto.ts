import { IsIn, IsOptional } from 'class-validator';
import { PageDto, PageQuery } from '@app/common';
import type { NotificationChannel, NotificationKind, NotificationStatus } from '../notification.entity';

export class InboxQuery extends PageQuery {
  /** true: only unread and not yet settled (the unread count); false: the rest. */
  @IsOptional() @IsIn(['true', 'false'])
  unread?: 'true' | 'false';
}

export class NotificationDto {
  id!: string;
  kind!: NotificationKind;
  subjectType!: string;
  subjectId!: string;
  data!: Record<string, unknown>;
  sentAt!: string;
  readAt!: string | null;
  /** The subject's status now (a goal's, a review's, a session's, an engagement's; done or open for an action item); null when it is gone. */
  subjectStatus!: string | null;
  /** What the notification asked for is done or past (goal agreed, review answered, session over...): it reads as settled and leaves the unread count. */
  settled!: boolean;
}

export class NotificationPage extends PageDto {
  data!: NotificationDto[];
}

export class ReminderDto {
  id!: string;
  kind!: NotificationKind;
  channel!: NotificationChannel;
  /** The account it goes to; null when it goes to a client without an account (recipientClientId). */
  recipientUserId!: string | null;
  /** The client record it goes to, by email, when the client has no account; else null. */
  recipientClientId!: string | null;
  dueAt!: string;
  status!: NotificationStatus;
}

export class MailMessageDto {
  id!: string;
  to!: string;
  subject!: string;
  text!: string;
  html!: string;
  hasCalendarInvite!: boolean;
  createdAt!: string;
}

export class MailboxPage extends PageDto {
  data!: MailMessageDto[];
}
