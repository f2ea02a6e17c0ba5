import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { ClientExportDto } from './dto/client-export.dto';
import { PrivacyService } from './privacy.service';

@ApiTags('clients')
@Controller('v1/clients')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  /** Everything held about the client as one JSON document: no private notes, no draft goals. */
  @Get(':id/export')
  @Roles('owner')
  export(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ClientExportDto> {
    return this.privacy.export(ctx, id);
  }

  /** Removes the client's personal data and content; anonymous counts stay. Repeating it is harmless. */
  @Post(':id/erase')
  @HttpCode(204)
  @Roles('owner')
  erase(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.privacy.erase(ctx, id);
  }
}

@ApiTags('clients')
@Controller('v1/me')
export class OwnExportController {
  constructor(private readonly privacy: PrivacyService) {}

  /** The signed-in client's own copy of everything held about them, with every journal entry of theirs, shared or not. */
  @Get('export')
  @Roles('client')
  export(@Ctx() ctx: AuthContext): Promise<ClientExportDto> {
    return this.privacy.exportOwn(ctx);
  }
}
