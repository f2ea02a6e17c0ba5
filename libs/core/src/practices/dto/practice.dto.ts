import { IsOptionalNotNull, IsTimeZoneName } from '@app/common';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { REVIEW_CADENCES, ReviewCadence } from '../practice.entity';

export class PracticeDto {
  id!: string;
  name!: string;
  slug!: string;
  timezone!: string;
  reminderOffsetsMinutes!: number[];
  defaultReviewCadence!: ReviewCadence;
  stalledAfterDays!: number;
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
}
