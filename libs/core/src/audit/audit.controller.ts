import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, Roles } from '@app/common';
import { AuditService } from './audit.service';
import { AuditEventPage, AuditQuery } from './dto/audit-event.dto';

@ApiTags('audit')
@Controller('v1/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The practice's audit log, newest first. */
  @Get()
  @Roles('owner')
  list(@Ctx() ctx: AuthContext, @Query() q: AuditQuery): Promise<AuditEventPage> {
    return this.audit.list(ctx, q);
  }
}
