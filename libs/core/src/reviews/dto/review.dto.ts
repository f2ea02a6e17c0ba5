import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageDto, PageQuery, IsDateOnly, IsTimestamp } from '@app/common';
import { ScoreSeriesDto } from '../../forms/dto/form.dto';
import type { GoalStatus } from '../../goals/goal-status';
import { ADJUSTMENTS, Adjustment } from '../review-entry.entity';
import type { ReviewStatus } from '../review.entity';

const TEXT = 4000;
const MAX_GOALS = 200;

export class CreateReviewDto {
  /** YYYY-MM-DD, the first day looked back on, in the practice's time zone. */
  @IsDateOnly()
  periodStart!: string;

  /** YYYY-MM-DD, the last day looked back on (inclusive); not before periodStart. */
  @IsDateOnly()
  periodEnd!: string;

  /** When the client's answer is due; a week after the later of now and the period's end when omitted. */
  @IsOptional() @IsTimestamp()
  dueAt?: string;
}

export class ReviewEntryInputDto {
  /** An active (agreed) goal of the review's engagement. */
  @IsUUID()
  goalId!: string;

  /** How the client rates their progress on the goal, 0–10. */
  @IsInt() @Min(0) @Max(10)
  selfRating!: number;

  @IsOptional() @IsString() @MaxLength(TEXT)
  whatWorked?: string;

  @IsOptional() @IsString() @MaxLength(TEXT)
  whatDidnt?: string;

  @IsOptional() @IsString() @MaxLength(TEXT)
  nextStep?: string;
}

export class SubmitReviewDto {
  /** One entry per goal rated; each goal at most once. */
  @IsArray() @ArrayMaxSize(MAX_GOALS) @ValidateNested({ each: true }) @Type(() => ReviewEntryInputDto)
  entries!: ReviewEntryInputDto[];

  @IsOptional() @IsString() @MaxLength(TEXT)
  note?: string;
}

export class AdjustmentInputDto {
  /** A goal of the review: an active goal, or one the client rated. */
  @IsUUID()
  goalId!: string;

  /** keep; revise (back to draft for a new version); achieved; abandon. */
  @IsIn(ADJUSTMENTS as unknown as string[])
  action!: Adjustment;

  @IsOptional() @IsString() @MaxLength(TEXT)
  note?: string;
}

export class CompleteReviewDto {
  @IsOptional() @IsString() @MaxLength(TEXT)
  coachNotes?: string;

  /** One adjustment per goal at most; achieved, abandon and revise move the goal. */
  @IsArray() @ArrayMaxSize(MAX_GOALS) @ValidateNested({ each: true }) @Type(() => AdjustmentInputDto)
  adjustments!: AdjustmentInputDto[];
}

export class ReviewsQuery extends PageQuery {}

export class ReviewDto {
  id!: string;
  engagementId!: string;
  /** periodic (opened on the engagement's cadence) or adhoc (opened by the coach). */
  kind!: 'periodic' | 'adhoc';
  /** YYYY-MM-DD */
  periodStart!: string;
  /** YYYY-MM-DD, inclusive. */
  periodEnd!: string;
  dueAt!: string;
  status!: ReviewStatus;
  /** Open and past dueAt: still answerable, but late (it becomes missed when the next period ends too). */
  overdue!: boolean;
  /** The client's note with their submission. */
  note!: string | null;
  coachNotes!: string | null;
  submittedAt!: string | null;
  completedAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export class ReviewEntryDto {
  goalId!: string;
  selfRating!: number | null;
  whatWorked!: string | null;
  whatDidnt!: string | null;
  nextStep!: string | null;
  /** The coach's adjustment, once the review is completed. */
  adjustment!: Adjustment | null;
  adjustmentNote!: string | null;
}

export class ReviewMetricDto {
  metricId!: string;
  name!: string;
  unit!: string;
  /** The last measurement at or before the period's start, else the first inside it. */
  startValue!: number | null;
  /** The last measurement inside the period. */
  endValue!: number | null;
  /** endValue − startValue, computed exactly; null when either is missing. */
  change!: number | null;
}

export class ReviewMilestoneDto {
  id!: string;
  title!: string;
  doneAt!: string;
}

export class ReviewGoalDto {
  goalId!: string;
  title!: string;
  status!: GoalStatus;
  /** The goal's progress now, 0..1. */
  progress!: number;
  metrics!: ReviewMetricDto[];
  /** Milestones done within the period. */
  milestonesCompleted!: ReviewMilestoneDto[];
}

export class ReviewDetailDto extends ReviewDto {
  entries!: ReviewEntryDto[];
  /** Each active goal (and each goal rated in this review) over the period. */
  goals!: ReviewGoalDto[];
  /** Scores of assessments and check-ins submitted within the period, per form, oldest first, with the form's bands. */
  assessments!: ScoreSeriesDto[];
}

export class ReviewPage extends PageDto {
  data!: ReviewDto[];
}
