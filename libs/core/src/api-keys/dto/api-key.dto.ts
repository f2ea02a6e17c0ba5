import { PageDto } from '@app/common';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class CreateApiKeyDto {
  @IsString() @MinLength(1) @MaxLength(100)
  name!: string;

  @IsIn(['owner', 'coach'])
  role!: 'owner' | 'coach';

  /** The user the key acts as; required for coach keys. */
  @IsOptional() @IsUUID()
  userId?: string;
}

export class ApiKeyDto {
  id!: string;
  name!: string;
  role!: 'owner' | 'coach';
  userId!: string | null;
  /** The key's first characters, to tell keys apart. */
  keyPrefix!: string;
  createdAt!: string;
  lastUsedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** Shown once. */
  key!: string;
}

export class ApiKeyPage extends PageDto {
  data!: ApiKeyDto[];
}
