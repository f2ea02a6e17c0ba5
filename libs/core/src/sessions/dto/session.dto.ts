import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageDto, PageQuery, IsOptionalNotNull, IsTimestamp, IsMeasureNumber } from '@app/common';
import { BookedBy, SESSION_STATUSES, SessionStatus } from '../session.entity';


export const TEXT = 20000;
export const nullable = (_: object, v: unknown) => v !== null;
// http(s) only: a video link ends up in emails and calendar entries, where javascript: or file: would be a hazard.
const VIDEO_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateSessionDto {
  /** ISO 8601 with offset. */
  @IsTimestamp()
  startsAt!: string;

  /** 15–480 minutes; endsAt is derived. */
  @IsInt() @Min(15) @Max(480)
  durationMinutes!: number;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(500)
  location?: string;

  /** An http(s) link to the video call. */
  @IsOptional() @IsUrl(VIDEO_URL, { message: 'videoUrl must be an http(s) URL' }) @MaxLength(2000)
  videoUrl?: string;
}

export class UpdateSessionDto {
  /** A new time (or duration) reschedules: sequence + 1. Only while scheduled. */
  @IsOptionalNotNull() @IsTimestamp()
  startsAt?: string;

  @IsOptionalNotNull() @IsInt() @Min(15) @Max(480)
  durationMinutes?: number;

  @IsOptional() @ValidateIf(nullable) @IsString() @MinLength(1) @MaxLength(500)
  location?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsUrl(VIDEO_URL, { message: 'videoUrl must be an http(s) URL' }) @MaxLength(2000)
  videoUrl?: string | null;

  /** Seen by the client too. */
  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  sharedSummary?: string | null;

  /** The coach's alone: never in anything a client receives. */
  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  privateNotes?: string | null;
}

export class CancelSessionDto {
  @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

export class CompleteItemDto {
  /** An agenda item of this session. */
  @IsUUID()
  id!: string;

  /** Objectives: met in the session. */
  @IsOptional() @IsBoolean()
  achieved?: boolean;

  /** Outcomes: the value reached, stored as an exact decimal. */
  @IsOptional() @IsMeasureNumber()
  result?: number;
}

export class CompleteSessionDto {
  @IsOptional() @IsString() @MaxLength(TEXT)
  sharedSummary?: string;

  /** The coach's alone: never in anything a client receives. */
  @IsOptional() @IsString() @MaxLength(TEXT)
  privateNotes?: string;

  /** Per agenda item: achieved (objectives) or result (outcomes). */
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => CompleteItemDto)
  items?: CompleteItemDto[];
}

export class SessionsQuery extends PageQuery {
  /** Sessions ending after this instant. */
  @IsOptional() @IsTimestamp()
  from?: string;

  /** Sessions starting before this instant. */
  @IsOptional() @IsTimestamp()
  to?: string;

  @IsOptional() @IsUUID()
  coachId?: string;

  @IsOptional() @IsUUID()
  clientId?: string;

  @IsOptional() @IsUUID()
  engagementId?: string;

  @IsOptional() @IsIn(SESSION_STATUSES as unknown as string[])
  status?: SessionStatus;
}

export class SessionDto {
  id!: string;
  engagementId!: string;
  coachId!: string;
  clientId!: string;
  startsAt!: string;
  /** startsAt + durationMinutes. */
  endsAt!: string;
  durationMinutes!: number;
  location!: string | null;
  videoUrl!: string | null;
  status!: SessionStatus;
  /** Increases on each reschedule (calendar feeds use it). */
  sequence!: number;
  sharedSummary!: string | null;
  /** The coach's private notes; the key is absent from every response a client receives. */
  privateNotes?: string | null;
  cancelReason!: string | null;
  /** Who put the session in the calendar: the client booking it, or a coach (owner, integration). */
  bookedBy!: BookedBy;
  /** Cancelled by the client later than the practice's cancellationNoticeHours: it still counts against the allocation. */
  lateCancellation!: boolean;
  cancelledAt!: string | null;
  completedAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export class SessionPage extends PageDto {
  data!: SessionDto[];
}
