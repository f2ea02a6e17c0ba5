import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, Public, Roles } from '@app/common';
import { SessionDto } from '../auth/dto/auth.dto';
import { AuthRateLimitGuard } from '../auth/rate-limits.service';
import { AcceptInvitationDto, CreateInvitationDto, InvitationDto } from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

@ApiTags('invitations')
@Controller('v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** Owners invite coaches or clients; coaches invite their own clients. The token is shown once. */
  @Post()
  @Roles('owner', 'coach')
  create(@Ctx() ctx: AuthContext, @Body() dto: CreateInvitationDto): Promise<InvitationDto> {
    return this.invitations.create(ctx, dto);
  }

  /** Accepts an invitation: creates the account and signs it in. */
  @Post('accept')
  @Public()
  @UseGuards(AuthRateLimitGuard)
  accept(@Body() dto: AcceptInvitationDto): Promise<SessionDto> {
    return this.invitations.accept(dto);
  }
}
