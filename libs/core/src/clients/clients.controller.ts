import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { ClientsService } from './clients.service';
import { ClientDto, ClientPage, ClientsQuery, CreateClientDto, UpdateClientDto } from './dto/client.dto';

@ApiTags('clients')
@Controller('v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  /** Adds a client; a coach's new client is their own. */
  @Post()
  @Roles('owner', 'coach')
  create(@Ctx() ctx: AuthContext, @Body() dto: CreateClientDto): Promise<ClientDto> {
    return this.clients.create(ctx, dto);
  }

  /** A coach sees only the clients they coach. */
  @Get()
  @Roles('owner', 'coach')
  list(@Ctx() ctx: AuthContext, @Query() q: ClientsQuery): Promise<ClientPage> {
    return this.clients.list(ctx, q);
  }

  /** One client: the owner, their coach, or the client themself. */
  @Get(':id')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ClientDto> {
    return this.clients.get(ctx, id);
  }

  /** Edits a client's name, email, time zone, coach (owners) or status. */
  @Patch(':id')
  update(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateClientDto): Promise<ClientDto> {
    return this.clients.update(ctx, id, dto);
  }

  /**
   * Archives the client and ends their portal access at once (refresh tokens revoked, access tokens
   * refused). Restoring the client (PATCH status active) does not restore access: that takes a new invitation.
   */
  @Delete(':id')
  @HttpCode(204)
  @Roles('owner', 'coach')
  archive(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.clients.archive(ctx, id);
  }
}
