import { ApiSchema } from '@nestjs/swagger';
import { IsTimeZoneName } from '@app/common';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PracticeDto } from '../../practices/dto/practice.dto';
import { UserDto } from '../../users/dto/user.dto';

export class SignupDto {
  @IsString() @MinLength(1) @MaxLength(200)
  practiceName!: string;

  /** Lower-case letters, digits and hyphens; unique across the platform. */
  @IsString() @Matches(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/, { message: 'practiceSlug must be 3–63 lower-case letters, digits or hyphens' })
  practiceSlug!: string;

  /** The practice's IANA time zone, also the owner's. */
  @IsTimeZoneName()
  timezone!: string;

  @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @IsEmail() @MaxLength(320)
  email!: string;

  /** At least 10 characters. */
  @IsString() @MinLength(10) @MaxLength(200)
  password!: string;
}

export class LoginDto {
  /** The practice's slug. */
  @IsString() @MaxLength(63)
  practice!: string;

  @IsString() @MaxLength(320)
  email!: string;

  @IsString() @MaxLength(200)
  password!: string;
}

export class RefreshDto {
  @IsString() @MaxLength(200)
  refreshToken!: string;
}

export class TokenPairDto {
  accessToken!: string;
  refreshToken!: string;
}

/** Named apart from the coaching session's SessionDto, which would otherwise replace it in the OpenAPI document. */
@ApiSchema({ name: 'AuthSessionDto' })
export class SessionDto extends TokenPairDto {
  user!: UserDto;
}

export class SignupResultDto extends SessionDto {
  practice!: PracticeDto;
}
