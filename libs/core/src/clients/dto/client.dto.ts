import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageDto, PageQuery, IsOptionalNotNull, IsTimeZoneName } from '@app/common';
import { CLIENT_STATUSES, ClientStatus } from '../client.entity';

export class CreateClientDto {
  @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @IsEmail() @MaxLength(320)
  email!: string;

  /** IANA time zone; the practice's when omitted. */
  @IsOptional() @IsTimeZoneName()
  timezone?: string;

  /** The primary coach; a coach's new client is their own. */
  @IsOptional() @IsUUID()
  coachId?: string;
}

export class UpdateClientDto {
  @IsOptionalNotNull() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @IsOptionalNotNull() @IsEmail() @MaxLength(320)
  email?: string;

  @IsOptionalNotNull() @IsTimeZoneName()
  timezone?: string;

  /** Owners only: hand the client to another coach. */
  @IsOptionalNotNull() @IsUUID()
  coachId?: string;

  @IsOptionalNotNull() @IsIn(CLIENT_STATUSES as unknown as string[])
  status?: ClientStatus;
}

export class ClientsQuery extends PageQuery {
  @IsOptional() @IsUUID()
  coachId?: string;

  @IsOptional() @IsIn(CLIENT_STATUSES as unknown as string[])
  status?: ClientStatus;

  /** Matches name or email, case-insensitive. */
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;
}

export class ClientDto {
  id!: string;
  name!: string;
  email!: string;
  timezone!: string;
  coachId!: string;
  status!: ClientStatus;
  /** The client has a portal account. */
  portalAccess!: boolean;
  createdAt!: string;
}

export class ClientPage extends PageDto {
  data!: ClientDto[];
}
