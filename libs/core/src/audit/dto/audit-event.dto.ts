import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageDto, PageQuery } from '@app/common';

export class AuditQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(50)
  entityType?: string;

  @IsOptional() @IsUUID()
  entityId?: string;

  @IsOptional() @IsUUID()
  actorId?: string;
}

export class AuditEventDto {
  id!: string;
  actorType!: 'user' | 'api_key' | 'system';
  actorId!: string | null;
  /** create, update, delete, or a state change such as agree. */
  action!: string;
  entityType!: string;
  entityId!: string;
  /** Changed fields as { field: { from, to } }, or the created fields. */
  changes!: Record<string, unknown> | null;
  requestId!: string | null;
  at!: string;
}

export class AuditEventPage extends PageDto {
  data!: AuditEventDto[];
}
