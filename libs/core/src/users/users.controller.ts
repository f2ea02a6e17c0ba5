import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, Roles } from '@app/common';
import { MeDto, UpdateMeDto, UserPage, UsersQuery } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('v1')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** The caller, with their practice. */
  @Get('me')
  me(@Ctx() ctx: AuthContext): Promise<MeDto> {
    return this.users.me(ctx);
  }

  /** Changes the caller's name, time zone or quiet hours. */
  @Patch('me')
  updateMe(@Ctx() ctx: AuthContext, @Body() dto: UpdateMeDto): Promise<MeDto> {
    return this.users.updateMe(ctx, dto);
  }

  /** Members of the practice; filter by role. */
  @Get('users')
  @Roles('owner', 'coach')
  list(@Ctx() ctx: AuthContext, @Query() q: UsersQuery): Promise<UserPage> {
    return this.users.list(ctx, q);
  }
}
