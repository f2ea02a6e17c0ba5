import { ResponseDto } from '../../forms/dto/form.dto';
import { JournalEntryDto } from '../../journal/dto/journal.dto';
import { AuditEventDto } from '../../audit/dto/audit-event.dto';
import { ClientDto } from '../../clients/dto/client.dto';
import { EngagementDto } from '../../engagements/dto/engagement.dto';
import { GoalDto, GoalRevisionDto, MeasurementDto } from '../../goals/dto/goal.dto';
import { ReviewDto, ReviewEntryDto } from '../../reviews/dto/review.dto';
import { UserDto } from '../../users/dto/user.dto';

export class ExportGoalDto extends GoalDto {
  /** Every version's terms, who proposed it, who agreed and when. */
  revisions!: GoalRevisionDto[];
  /** Every measurement of the goal's metrics, in time order. */
  measurements!: MeasurementDto[];
}

/** A session as the client may see it: never the coach's private notes. */
export class ExportSessionDto {
  id!: string;
  engagementId!: string;
  coachId!: string;
  clientId!: string;
  startsAt!: string;
  endsAt!: string;
  durationMinutes!: number;
  location!: string | null;
  videoUrl!: string | null;
  status!: string;
  sharedSummary!: string | null;
  sequence!: number;
  cancelReason!: string | null;
  completedAt!: string | null;
  cancelledAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export class ExportAgendaItemDto {
  id!: string;
  sessionId!: string;
  kind!: string;
  text!: string;
  order!: number;
  proposedBy!: string;
  proposedById!: string | null;
  goalId!: string | null;
  achieved!: boolean | null;
  achievedAt!: string | null;
  strategy!: string | null;
  metricId!: string | null;
  target!: number | null;
  result!: number | null;
  createdAt!: string;
}

export class ExportActionItemDto {
  id!: string;
  sessionId!: string;
  engagementId!: string;
  title!: string;
  dueOn!: string | null;
  goalId!: string | null;
  done!: boolean;
  doneAt!: string | null;
  createdAt!: string;
}

export class ExportReviewDto extends ReviewDto {
  entries!: ReviewEntryDto[];
}

/** A notification addressed to the client's account, in-app or by email, sent or still planned. */
export class ExportNotificationDto {
  id!: string;
  kind!: string;
  channel!: string;
  subjectType!: string;
  subjectId!: string;
  data!: Record<string, unknown>;
  dueAt!: string;
  status!: string;
  sentAt!: string | null;
  readAt!: string | null;
  createdAt!: string;
}

/** Mail kept for the client (the development mailbox, when no SMTP server is configured). */
export class ExportMailDto {
  id!: string;
  notificationId!: string | null;
  to!: string;
  subject!: string;
  text!: string;
  html!: string;
  /** The calendar invitation attached, if any. */
  ics!: string | null;
  createdAt!: string;
}

/** The client's calendar feed: whether one is issued and since when; never its secret. */
export class ExportCalendarFeedDto {
  issued!: boolean;
  /** Null when none is issued (or it was issued before this was recorded). */
  issuedAt!: string | null;
}

/** Everything held about one client, as one document. */
export class ClientExportDto {
  exportedAt!: string;
  client!: ClientDto;
  /** The client's portal account, without its password hash; null when they have none. */
  user!: UserDto | null;
  engagements!: EngagementDto[];
  /** Goals the client has seen: drafts are the coach's and are left out. */
  goals!: ExportGoalDto[];
  sessions!: ExportSessionDto[];
  agendaItems!: ExportAgendaItemDto[];
  actionItems!: ExportActionItemDto[];
  reviews!: ExportReviewDto[];
  /** The client's form responses with scores and bands, oldest first (alert texts are the coach's and left out). */
  formResponses!: ResponseDto[];
  /** Journal entries the client shares, oldest first; private ones are the client's alone and never exported by the practice. */
  journalEntries!: JournalEntryDto[];
  /** The in-app inbox and the reminders and prompts addressed to the client's account, or to the client record while they had none, oldest first. */
  notifications!: ExportNotificationDto[];
  /** Mail kept for the client, oldest first. */
  mail!: ExportMailDto[];
  calendarFeed!: ExportCalendarFeedDto;
  /** The audit log of the records above. */
  auditEvents!: AuditEventDto[];
}
