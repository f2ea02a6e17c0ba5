import { JournalEntryDto } from '../../journal/dto/journal.dto';
import { IsMeasureNumber, IsOptionalNotNull } from '@app/common';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { AGENDA_KINDS, AgendaKind } from '../agenda-item.entity';
import { ActionItemDto } from './action-item.dto';
import { nullable } from './session.dto';

export class CreateAgendaItemDto {
  /** A client may add topics, objectives and barriers. */
  @IsIn(AGENDA_KINDS as unknown as string[])
  kind!: AgendaKind;

  @IsString() @MinLength(1) @MaxLength(2000)
  text!: string;

  /** Objectives: a goal of the same engagement. */
  @IsOptional() @IsUUID()
  goalId?: string;

  /** Barriers: how to overcome it. */
  @IsOptional() @IsString() @MaxLength(2000)
  strategy?: string;

  /** Outcomes: a metric of a goal of the same engagement. */
  @IsOptional() @IsUUID()
  metricId?: string;

  /** Outcomes: the value aimed for in the session. */
  @IsOptional() @IsMeasureNumber()
  target?: number;
}

export class UpdateAgendaItemDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(2000)
  text?: string;

  /** Moves the item to this position (1 = first); the others shift. */
  @IsOptionalNotNull() @IsInt() @Min(1) @Max(1000)
  order?: number;

  @IsOptional() @ValidateIf(nullable) @IsUUID()
  goalId?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsString() @MaxLength(2000)
  strategy?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsUUID()
  metricId?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsMeasureNumber()
  target?: number | null;

  /** Objectives, coach only, once the session is completed: corrects what was recorded. */
  @IsOptional() @ValidateIf(nullable) @IsIn([true, false])
  achieved?: boolean | null;

  /** Outcomes, coach only, once the session is completed. */
  @IsOptional() @ValidateIf(nullable) @IsMeasureNumber()
  result?: number | null;
}

export class AgendaItemDto {
  id!: string;
  sessionId!: string;
  kind!: AgendaKind;
  text!: string;
  order!: number;
  proposedBy!: 'coach' | 'client';
  proposedById!: string | null;
  /** Objectives only. */
  goalId?: string | null;
  /** Objectives only: met in the session (null until recorded). */
  achieved?: boolean | null;
  /** Barriers only. */
  strategy?: string | null;
  /** Outcomes only. */
  metricId?: string | null;
  /** Outcomes only. */
  target?: number | null;
  /** Outcomes only: recorded when the session is completed. */
  result?: number | null;
  createdAt!: string;
  updatedAt!: string;
}

export class AgendaCheckinDto {
  responseId!: string;
  formId!: string;
  formTitle!: string;
  submittedAt!: string;
  score!: number | null;
  band!: string | null;
}

export class AgendaBetweenSessionsDto {
  /** The end of the engagement's previous session (null when this is the first). */
  since!: string | null;
  /** The engagement's latest check-in response. */
  latestCheckin!: AgendaCheckinDto | null;
  /** Journal entries the client shares, written since the previous session, newest first. */
  sharedJournal!: JournalEntryDto[];
}

export class AgendaDto {
  items!: AgendaItemDto[];
  /** Open action items from the engagement's earlier sessions. */
  carriedOver!: ActionItemDto[];
  /** What happened since the last session: the latest check-in and the shared journal. */
  betweenSessions!: AgendaBetweenSessionsDto;
}
