import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { PageDto, PageQuery, Role, ROLES, IsOptionalNotNull, IsTimeZoneName } from '@app/common';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto {
  /** Local time quiet hours begin, HH:MM. */
  @Matches(HHMM, { message: 'start must be HH:MM' })
  start!: string;

  /** Local time quiet hours end, HH:MM (may be on the next day). */
  @Matches(HHMM, { message: 'end must be HH:MM' })
  end!: string;
}

export class UpdateMeDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  /** IANA time zone, e.g. Europe/Berlin. */
  @IsOptionalNotNull() @IsTimeZoneName()
  timezone?: string;

  /** null turns quiet hours off. */
  // IsObject: an array passes ValidateNested (each element, none here) and would be stored as [].
  @IsOptional() @IsObject({ message: 'quietHours must be {start, end} or null' }) @ValidateNested() @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;
}

export class UserDto {
  id!: string;
  name!: string;
  email!: string;
  role!: Role;
  timezone!: string;
  quietHours!: QuietHoursDto | null;
  clientId!: string | null;
  createdAt!: string;
}

export class PracticeRefDto {
  id!: string;
  slug!: string;
  name!: string;
}

export class MeDto extends UserDto {
  practice!: PracticeRefDto;
}

export class UsersQuery extends PageQuery {
  @IsOptional() @IsIn(ROLES as unknown as string[])
  role?: Role;
}

export class UserPage extends PageDto {
  data!: UserDto[];
}
