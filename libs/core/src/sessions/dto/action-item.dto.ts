import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageDto, PageQuery, IsOptionalNotNull, IsDateOnly } from '@app/common';

const nullable = (_: object, v: unknown) => v !== null;

export class CreateActionItemDto {
  @IsString() @MinLength(1) @MaxLength(200)
  title!: string;

  /** YYYY-MM-DD */
  @IsOptional() @IsDateOnly()
  dueOn?: string;

  /** A goal of the same engagement. */
  @IsOptional() @IsUUID()
  goalId?: string;
}

export class UpdateActionItemDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  title?: string;

  @IsOptional() @ValidateIf(nullable) @IsDateOnly()
  dueOn?: string | null;

  @IsOptional() @ValidateIf(nullable) @IsUUID()
  goalId?: string | null;

  /** The client may set this, and only this. */
  @IsOptionalNotNull() @IsIn([true, false])
  done?: boolean;
}

export class ActionItemsQuery extends PageQuery {
  /** true: done only; false: open only. */
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean({ message: 'done must be true or false' })
  done?: boolean;
}

export class ActionItemDto {
  id!: string;
  sessionId!: string;
  engagementId!: string;
  clientId!: string;
  title!: string;
  dueOn!: string | null;
  goalId!: string | null;
  done!: boolean;
  doneAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
}

export class ActionItemPage extends PageDto {
  data!: ActionItemDto[];
}
