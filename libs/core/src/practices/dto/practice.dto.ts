import { IsOptionalNotNull, IsTimeZoneName } from '@app/common';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { isPublicLink } from '../../webhooks/target-address';
import { REVIEW_CADENCES, ReviewCadence } from '../practice.entity';

export class PracticeDto {
  id!: string;
  name!: string;
  slug!: string;
  timezone!: string;
  reminderOffsetsMinutes!: number[];
  defaultReviewCadence!: ReviewCadence;
  stalledAfterDays!: number;
  /** A client's cancellation at least this many hours before the start gives the session back to the allocation. */
  cancellationNoticeHours!: number;
  /** When set, a new session without a video link gets this followed by an unguessable room name. */
  videoRoomBaseUrl!: string | null;
}

export class UpdatePracticeDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @IsOptionalNotNull() @IsTimeZoneName()
  timezone?: string;

  /** Minutes before a session that reminders go out: 1–5 distinct values, each 1–10080. */
  @IsOptionalNotNull() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(10080, { each: true })
  reminderOffsetsMinutes?: number[];

  @IsOptionalNotNull() @IsIn(REVIEW_CADENCES as unknown as string[])
  defaultReviewCadence?: ReviewCadence;

  @IsOptionalNotNull() @IsInt() @Min(1) @Max(365)
  stalledAfterDays?: number;

  @IsOptionalNotNull() @IsInt() @Min(0) @Max(720)
  cancellationNoticeHours?: number;

  /** An https URL (without credentials, on a public host) that room names are appended to; null turns video rooms off. */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { message: 'videoRoomBaseUrl must be an https URL' }) @MaxLength(500)
  @ValidateBy({ name: 'isPublicLink', validator: { validate: (v: unknown) => typeof v !== 'string' || isPublicLink(v), defaultMessage: () => 'videoRoomBaseUrl must name a public host, without credentials' } })
  videoRoomBaseUrl?: string | null;
}
