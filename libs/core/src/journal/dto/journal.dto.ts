import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull, PageDto, PageQuery } from '@app/common';

export const MAX_JOURNAL_TEXT = 20_000;

export class CreateJournalEntryDto {
  @IsString() @MinLength(1) @MaxLength(MAX_JOURNAL_TEXT)
  text!: string;

  /** A goal of this engagement the client can see. */
  @IsOptional() @IsUUID()
  goalId?: string;

  /** 1 (low) to 5 (high). */
  @IsOptional() @IsInt() @Min(1) @Max(5)
  mood?: number;

  /** Whether the coach may read it; the client may change this at any time. */
  @IsBoolean()
  shared!: boolean;
}

export class UpdateJournalEntryDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(MAX_JOURNAL_TEXT)
  text?: string;

  /** null unlinks the goal. */
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsUUID()
  goalId?: string | null;

  /** null clears the mood. */
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(5)
  mood?: number | null;

  /** false hides the entry from the coach at once, everywhere. */
  @IsOptionalNotNull() @IsBoolean()
  shared?: boolean;
}

export class JournalEntryDto {
  id!: string;
  engagementId!: string;
  text!: string;
  goalId!: string | null;
  mood!: number | null;
  shared!: boolean;
  sharedAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export class JournalQuery extends PageQuery {}

export class JournalPage extends PageDto {
  data!: JournalEntryDto[];
}
