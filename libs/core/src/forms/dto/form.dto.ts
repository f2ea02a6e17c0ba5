import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsNumber, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateBy, ValidateNested,
} from 'class-validator';
import { IsTimestamp, PageDto, PageQuery } from '@app/common';
import { RECURRENCES, Recurrence } from '../assignment-schedule';
import { FORM_KINDS, FormKind, MAX_OPTIONS, MAX_QUESTIONS, QUESTION_TYPES, QuestionType, SCORING_METHODS, ScoringMethod } from '../scoring';

const IsFiniteNumber = () => IsNumber({ allowNaN: false, allowInfinity: false });

/** A JSON string (up to 200 characters) or finite number. */
const IsScalar = (): PropertyDecorator =>
  ValidateBy({
    name: 'isScalar',
    validator: {
      validate: (v: unknown) => (typeof v === 'string' && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v)),
      defaultMessage: (a) => `${a?.property} must be a string (up to 200 characters) or a number`,
    },
  });

/** An answer: text (up to 4000 characters) or a finite number; the form decides which. */
const IsAnswerValue = (): PropertyDecorator =>
  ValidateBy({
    name: 'isAnswerValue',
    validator: {
      validate: (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
      defaultMessage: (a) => `${a?.property} must be a string or a number`,
    },
  });

export class FormOptionDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }], description: 'What an answer sends when it chooses this option.' })
  @IsDefined() @IsScalar()
  value!: string | number;

  @IsString() @MinLength(1) @MaxLength(200)
  label!: string;

  /** What the option adds to the score (choice questions); by default its value when that is a number. */
  @IsOptional() @IsFiniteNumber()
  score?: number;
}

export class FormQuestionDto {
  /** Unique within the form: letters, digits, "-" or "_". */
  @IsString() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'id must be 1–64 letters, digits, "-" or "_"' })
  id!: string;

  @IsIn(QUESTION_TYPES as unknown as string[])
  type!: QuestionType;

  @IsString() @MinLength(1) @MaxLength(1000)
  label!: string;

  @IsOptional() @IsBoolean()
  required?: boolean;

  /** scale: the lowest whole value (required); number: the lowest allowed. */
  @IsOptional() @IsFiniteNumber()
  min?: number;

  /** scale: the highest whole value (required); number: the highest allowed. */
  @IsOptional() @IsFiniteNumber()
  max?: number;

  /** choice: the options (required); scale: labels of some values. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_OPTIONS) @ValidateNested({ each: true }) @Type(() => FormOptionDto)
  options?: FormOptionDto[];
}

export class FormBandDto {
  @IsFiniteNumber()
  min!: number;

  @IsFiniteNumber()
  max!: number;

  @IsString() @MinLength(1) @MaxLength(100)
  label!: string;
}

export class FormAlertRuleDto {
  @IsString() @MaxLength(64)
  questionId!: string;

  /** The rule is met when the question's answer (its score) is at or above this. */
  @IsFiniteNumber()
  atOrAbove!: number;

  /** Shown to the coach; never to the client. */
  @IsString() @MinLength(1) @MaxLength(500)
  message!: string;
}

export class FormScoringDto {
  @IsIn(SCORING_METHODS as unknown as string[])
  method!: ScoringMethod;

  /** Inclusive at both ends, not overlapping. */
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => FormBandDto)
  bands?: FormBandDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_QUESTIONS) @ValidateNested({ each: true }) @Type(() => FormAlertRuleDto)
  alerts?: FormAlertRuleDto[];
}

export class CreateFormDto {
  @IsString() @MinLength(1) @MaxLength(200)
  title!: string;

  @IsIn(FORM_KINDS as unknown as string[])
  kind!: FormKind;

  /** 1–100 questions with unique ids. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_QUESTIONS) @ValidateNested({ each: true }) @Type(() => FormQuestionDto)
  questions!: FormQuestionDto[];

  @IsOptional() @ValidateNested() @Type(() => FormScoringDto)
  scoring?: FormScoringDto;
}

export class FormDto {
  /** A built-in's name (phq-9, gad-7, wheel-of-life) or a practice form's UUID. */
  id!: string;
  builtIn!: boolean;
  title!: string;
  kind!: FormKind;
  questions!: FormQuestionDto[];
  scoring!: FormScoringDto | null;
  /** Null for built-ins. */
  createdAt!: string | null;
}

export class FormsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FORM_KINDS })
  @IsOptional() @IsIn(FORM_KINDS as unknown as string[])
  kind?: FormKind;
}

export class FormPage extends PageDto {
  data!: FormDto[];
}

export class CreateAssignmentDto {
  /** A built-in's name (phq-9, gad-7, wheel-of-life) or a practice form's id. */
  @IsString() @MaxLength(64)
  formId!: string;

  /** The first occurrence; at once when left out. */
  @IsOptional() @IsTimestamp()
  dueAt?: string;

  @IsOptional() @IsIn(RECURRENCES as unknown as string[])
  recurrence?: Recurrence;

  /** A metric of a goal of this engagement: each response's score is recorded as its measurement. */
  @IsOptional() @IsUUID()
  metricId?: string;

  /** No occurrence after this instant. */
  @IsOptional() @IsTimestamp()
  until?: string;
}

export class AssignmentDto {
  id!: string;
  engagementId!: string;
  formId!: string;
  formTitle!: string;
  recurrence!: Recurrence;
  /** The first occurrence. */
  dueAt!: string;
  until!: string | null;
  /** The next occurrence still to be prompted; null when none is left. */
  nextDueAt!: string | null;
  /** The latest occurrence that has fallen due. */
  lastDueAt!: string | null;
  metricId!: string | null;
  stoppedAt!: string | null;
  /** How many responses the client has given to it. */
  responseCount!: number;
  lastRespondedAt!: string | null;
  createdAt!: string;
}

export class AssignmentPage extends PageDto {
  data!: AssignmentDto[];
}

export class AnswerInputDto {
  @IsString() @MaxLength(64)
  questionId!: string;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsDefined() @IsAnswerValue()
  value!: string | number;
}

export class CreateResponseDto {
  @IsArray() @ArrayMaxSize(MAX_QUESTIONS) @ValidateNested({ each: true }) @Type(() => AnswerInputDto)
  answers!: AnswerInputDto[];
}

export class AnswerDto {
  questionId!: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }] })
  value!: string | number;
}

export class RaisedAlertDto {
  questionId!: string;
  message!: string;
}

export class ResponseDto {
  id!: string;
  assignmentId!: string;
  engagementId!: string;
  formId!: string;
  submittedAt!: string;
  answers!: AnswerDto[];
  score!: number | null;
  band!: string | null;
  /** The alert rules the answers met: for the coach; a client always sees an empty list. */
  alerts!: RaisedAlertDto[];
  /** When a coach acknowledged the alerts (null for a client, and while unacknowledged). */
  acknowledgedAt!: string | null;
}

export class ResponsePage extends PageDto {
  data!: ResponseDto[];
}

export class AlertsQuery extends PageQuery {
  @IsOptional() @IsUUID()
  engagementId?: string;

  /** "false" (default): alerts waiting for acknowledgement; "true": acknowledged ones. */
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional() @IsIn(['true', 'false'])
  acknowledged?: 'true' | 'false';
}

export class AssessmentAlertDto {
  responseId!: string;
  assignmentId!: string;
  engagementId!: string;
  clientId!: string;
  clientName!: string;
  formId!: string;
  formTitle!: string;
  submittedAt!: string;
  score!: number | null;
  band!: string | null;
  alerts!: RaisedAlertDto[];
  acknowledgedAt!: string | null;
  acknowledgedById!: string | null;
}

export class AssessmentAlertPage extends PageDto {
  data!: AssessmentAlertDto[];
}

export class ScorePointDto {
  responseId!: string;
  submittedAt!: string;
  score!: number;
  band!: string | null;
}

export class ScoreSeriesDto {
  formId!: string;
  formTitle!: string;
  kind!: FormKind;
  method!: ScoringMethod;
  bands!: FormBandDto[];
  /** Oldest first. */
  points!: ScorePointDto[];
}

export class ScoreSeriesList {
  data!: ScoreSeriesDto[];
}
