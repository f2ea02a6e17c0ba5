import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Public, Roles } from '@app/common';
import { SessionDto } from '../auth/dto/auth.dto';
import { LimitedPerAddress } from '../auth/rate-limits.service';
import { AcceptInvitationDto, CreateInvitationDto, InvitationDto, InvitationsQuery, PendingInvitationPage } from './dto/invitation.dto';
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

  /** Invitations not yet accepted, revoked or expired: an owner sees all, a coach those for their own clients. Tokens are never listed. */
  @Get()
  @Roles('owner', 'coach')
  list(@Ctx() ctx: AuthContext, @Query() q: InvitationsQuery): Promise<PendingInvitationPage> {
    return this.invitations.listPending(ctx, q);
  }

  /** Withdraws an invitation not yet accepted (whoever could have sent it may); its token stops working at once. */
  @Delete(':id')
  @HttpCode(204)
  @Roles('owner', 'coach')
  revoke(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.invitations.revoke(ctx, id);
  }

  /** Accepts an invitation: creates the account and signs it in. */
  @Post('accept')
  @Public()
  @LimitedPerAddress()
  accept(@Body() dto: AcceptInvitationDto): Promise<SessionDto> {
    return this.invitations.accept(dto);
  }
}
