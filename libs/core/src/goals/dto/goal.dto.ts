import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PageDto, PageQuery, IsOptionalNotNull, IsDateOnly, IsTimestamp, IsMeasureNumber } from '@app/common';
import { GOAL_PRIORITIES, GoalPriority } from '../goal.entity';
import { GoalStatus } from '../goal-status';

const TEXT = 4000;
const nullable = (_: object, v: unknown) => v !== null;

export class CreateGoalDto {
  @IsString() @MinLength(1) @MaxLength(200)
  title!: string;

  @IsOptional() @IsString() @MaxLength(TEXT)
  description?: string;

  /** S: what exactly will be achieved. */
  @IsOptional() @IsString() @MaxLength(TEXT)
  specific?: string;

  /** M: how progress is measured (or add a metric). */
  @IsOptional() @IsString() @MaxLength(TEXT)
  measurable?: string;

  /** A: why it is within reach. */
  @IsOptional() @IsString() @MaxLength(TEXT)
  achievable?: string;

  /** R: why it matters now. */
  @IsOptional() @IsString() @MaxLength(TEXT)
  relevant?: string;

  /** T: YYYY-MM-DD */
  @IsOptional() @IsDateOnly()
  targetDate?: string;

  @IsOptional() @IsIn(GOAL_PRIORITIES as unknown as string[])
  priority?: GoalPriority;

  /** A bigger goal of the same engagement this one is a step of. */
  @IsOptional() @IsUUID()
  parentGoalId?: string;
}

export class UpdateGoalDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  description?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  specific?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  measurable?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  achievable?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(TEXT)
  relevant?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsDateOnly()
  targetDate?: string | null;

  @IsOptionalNotNull() @IsIn(GOAL_PRIORITIES as unknown as string[])
  priority?: GoalPriority;

  @IsOptional() @ValidateIf(nullable) @IsUUID()
  parentGoalId?: string | null;
}

export class AgreeGoalDto {
  /** The version the client read and agrees to; a stale version is 409. */
  @IsInt() @Min(1)
  version!: number;
}

export class RequestChangesDto {
  @IsString() @MinLength(1) @MaxLength(TEXT)
  comment!: string;
}

export class SmartDto {
  complete!: boolean;
  /** The SMART parts still missing: specific, measurable, achievable, relevant, targetDate. */
  missing!: string[];
}

export class MilestoneDto {
  id!: string;
  goalId!: string;
  title!: string;
  dueOn!: string | null;
  done!: boolean;
  doneAt!: string | null;
  createdAt!: string;
}

export class MetricDto {
  id!: string;
  goalId!: string;
  name!: string;
  unit!: string;
  baseline!: number;
  target!: number;
  /** increase when the target is above the baseline, else decrease. */
  direction!: 'increase' | 'decrease';
  /** The latest measurement by recordedAt, or null. */
  current!: number | null;
  /** (current − baseline) / (target − baseline), clamped to 0..1. */
  progress!: number;
}

export class GoalDto {
  id!: string;
  engagementId!: string;
  parentGoalId!: string | null;
  title!: string;
  description!: string | null;
  specific!: string | null;
  measurable!: string | null;
  achievable!: string | null;
  relevant!: string | null;
  targetDate!: string | null;
  priority!: GoalPriority;
  version!: number;
  status!: GoalStatus;
  agreedAt!: string | null;
  agreedById!: string | null;
  achievedAt!: string | null;
  abandonedAt!: string | null;
  changesRequestedComment!: string | null;
  smart!: SmartDto;
  /** Mean of the metrics' progress, else the share of milestones done. */
  progress!: number;
  metrics!: MetricDto[];
  milestones!: MilestoneDto[];
  createdAt!: string;
  updatedAt!: string;
}

export class GoalPage extends PageDto {
  data!: GoalDto[];
}

export class GoalsQuery extends PageQuery {}

export class GoalRevisionDto {
  version!: number;
  title!: string | null;
  description!: string | null;
  specific!: string | null;
  measurable!: string | null;
  achievable!: string | null;
  relevant!: string | null;
  targetDate!: string | null;
  proposedBy!: string | null;
  proposedAt!: string;
  agreedBy!: string | null;
  agreedAt!: string | null;
  changesRequestedComment!: string | null;
}

export class GoalRevisionList {
  data!: GoalRevisionDto[];
}

export class CreateMilestoneDto {
  @IsString() @MinLength(1) @MaxLength(200)
  title!: string;

  @IsOptional() @IsDateOnly()
  dueOn?: string;
}

export class UpdateMilestoneDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  @IsOptional() @ValidateIf(nullable) @IsDateOnly()
  dueOn?: string | null;

  /** The client may set this, and only this. */
  @IsOptionalNotNull() @IsBoolean()
  done?: boolean;
}


export class CreateMetricDto {
  @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @IsString() @MinLength(1) @MaxLength(40)
  unit!: string;

  @IsMeasureNumber()
  baseline!: number;

  @IsMeasureNumber()
  target!: number;
}

export class CreateMeasurementDto {
  @IsMeasureNumber()
  value!: number;

  /** When it was measured; now when omitted. */
  @IsOptional() @IsTimestamp()
  recordedAt?: string;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

/** A correction: any of the three; a client may correct only what they recorded. */
export class UpdateMeasurementDto {
  @IsOptionalNotNull() @IsMeasureNumber()
  value?: number;

  @IsOptionalNotNull() @IsTimestamp()
  recordedAt?: string;

  /** null removes the note. */
  @IsOptional() @IsString() @MaxLength(2000)
  note?: string | null;
}

export class MeasurementDto {
  id!: string;
  metricId!: string;
  value!: number;
  recordedAt!: string;
  recordedById!: string | null;
  note!: string | null;
  createdAt!: string;
}

export class MeasurementsQuery extends PageQuery {
  @IsOptional() @IsTimestamp()
  from?: string;

  @IsOptional() @IsTimestamp()
  to?: string;
}

export class MeasurementPage extends PageDto {
  data!: MeasurementDto[];
}

export class WinDto {
  kind!: 'milestone_done' | 'measurement_improved' | 'goal_achieved' | 'objective_met';
  at!: string;
  goalId!: string | null;
  goalTitle!: string | null;
  /** The milestone, measurement, goal or agenda item. */
  entityId!: string;
  title!: string;
  metricName?: string;
  unit?: string;
  value?: number;
  previous?: number;
  target?: number;
}

export class WinPage extends PageDto {
  data!: WinDto[];
}
