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
  /** The audit log of the records above. */
  auditEvents!: AuditEventDto[];
}
