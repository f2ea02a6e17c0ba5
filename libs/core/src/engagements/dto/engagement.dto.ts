import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageDto, PageQuery, IsOptionalNotNull, IsDateOnly } from '@app/common';
import { REVIEW_CADENCES, ReviewCadence } from '../../practices/practice.entity';
import { ENGAGEMENT_STATUSES, EngagementStatus } from '../engagement-status';

const CADENCES = REVIEW_CADENCES as unknown as string[];

export class CreateEngagementDto {
  @IsUUID()
  clientId!: string;

  /** The coach; the client's coach when omitted. */
  @IsOptional() @IsUUID()
  coachId?: string;

  @IsString() @MinLength(1) @MaxLength(200)
  title!: string;

  /** YYYY-MM-DD */
  @IsDateOnly()
  startsOn!: string;

  @IsOptional() @IsDateOnly()
  endsOn?: string;

  @IsOptional() @IsInt() @Min(1) @Max(500)
  plannedSessions?: number;

  @IsOptional() @IsIn(CADENCES)
  sessionCadence?: ReviewCadence;

  /** The length of a booked session when the booking does not say (15–480). */
  @IsOptional() @IsInt() @Min(15) @Max(480)
  sessionDurationMinutes?: number;

  @IsIn(CADENCES)
  reviewCadence!: ReviewCadence;
}

export class UpdateEngagementDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  /** YYYY-MM-DD; the review periods count from it. */
  @IsOptionalNotNull() @IsDateOnly()
  startsOn?: string;

  /** null: open-ended. */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsDateOnly()
  endsOn?: string | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(500)
  plannedSessions?: number | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsIn(CADENCES)
  sessionCadence?: ReviewCadence | null;

  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(15) @Max(480)
  sessionDurationMinutes?: number | null;

  @IsOptionalNotNull() @IsIn(CADENCES)
  reviewCadence?: ReviewCadence;

  /** Follows the state machine; an illegal change is 409. */
  @IsOptionalNotNull() @IsIn(ENGAGEMENT_STATUSES as unknown as string[])
  status?: EngagementStatus;
}

export class EngagementsQuery extends PageQuery {
  @IsOptional() @IsUUID()
  clientId?: string;

  @IsOptional() @IsUUID()
  coachId?: string;

  @IsOptional() @IsIn(ENGAGEMENT_STATUSES as unknown as string[])
  status?: EngagementStatus;
}

export class EngagementDto {
  id!: string;
  clientId!: string;
  coachId!: string;
  title!: string;
  startsOn!: string;
  endsOn!: string | null;
  plannedSessions!: number | null;
  sessionCadence!: ReviewCadence | null;
  sessionDurationMinutes!: number | null;
  reviewCadence!: ReviewCadence;
  status!: EngagementStatus;
  createdAt!: string;
  updatedAt!: string;
}

export class EngagementSummaryDto {
  /** Goals the caller can see, abandoned ones aside. */
  goals!: number;
  /** Goals agreed (or since achieved). */
  agreedGoals!: number;
  /** Mean progress of the agreed goals, 0..1. */
  progress!: number;
  sessionsCompleted!: number;
  /** The allocation: how many sessions the engagement includes; null without one. */
  plannedSessions!: number | null;
  /** Sessions that use up the allocation: scheduled, completed, no-show, and cancelled by the client too late. */
  sessionsBooked!: number;
  /** plannedSessions − sessionsBooked; null when there is no allocation. */
  sessionsRemaining!: number | null;
  /** The next scheduled session's start, after now. */
  nextSessionAt!: string | null;
  nextReviewDueAt!: string | null;
  /** Action items not done yet. */
  openActionItems!: number;
  /** Active for at least the practice's stalledAfterDays, with no session (cancelled ones aside) within that many days of now. */
  stalled!: boolean;
}

export class EngagementDetailDto extends EngagementDto {
  summary!: EngagementSummaryDto;
}

export class EngagementPage extends PageDto {
  data!: EngagementDto[];
}
