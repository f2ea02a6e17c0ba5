import { PageDto, PageQuery } from '@app/common';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class CreateInvitationDto {
  @IsEmail() @MaxLength(320)
  email!: string;

  @IsIn(['coach', 'client'])
  role!: 'coach' | 'client';

  /** Required for role client: the client record the account is bound to. */
  @IsOptional() @IsUUID()
  clientId?: string;
}

export class InvitationDto {
  id!: string;
  email!: string;
  role!: 'coach' | 'client';
  clientId!: string | null;
  /** Shown once: the secret the invitee presents to accept. */
  token!: string;
  expiresAt!: string;
}

export class AcceptInvitationDto {
  @IsString() @MaxLength(200)
  token!: string;

  @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  /** At least 10 characters. */
  @IsString() @MinLength(10) @MaxLength(200)
  password!: string;
}

/** A pending invitation as listed: never its token. */
export class PendingInvitationDto {
  id!: string;
  email!: string;
  role!: 'coach' | 'client';
  clientId!: string | null;
  invitedById!: string | null;
  expiresAt!: string;
  createdAt!: string;
}

export class PendingInvitationPage extends PageDto {
  data!: PendingInvitationDto[];
}

export class InvitationsQuery extends PageQuery {}
