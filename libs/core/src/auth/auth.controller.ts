import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, Public } from '@app/common';
import { AuthService } from './auth.service';
import { LoginDto, RefreshDto, SessionDto, SignupDto, SignupResultDto, TokenPairDto } from './dto/auth.dto';
import { LimitedPerAddress } from './rate-limits.service';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates a practice with its owner and signs the owner in. */
  @Post('signup')
  @Public()
  @LimitedPerAddress()
  signup(@Body() dto: SignupDto): Promise<SignupResultDto> {
    return this.auth.signup(dto);
  }

  /** Signs in to a practice with email and password; a wrong practice, email or password is the same 401. */
  @Post('login')
  @HttpCode(200)
  @Public()
  @LimitedPerAddress('address', 'account')
  login(@Body() dto: LoginDto): Promise<SessionDto> {
    return this.auth.login(dto);
  }

  /** Trades a refresh token for a new pair; the old one is spent. */
  @Post('refresh')
  @HttpCode(200)
  @Public()
  @LimitedPerAddress()
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  /** Signs out: the refresh token is spent. */
  @Post('logout')
  @HttpCode(204)
  logout(@Ctx() ctx: AuthContext, @Body() dto: RefreshDto): Promise<void> {
    return this.auth.logout(ctx, dto.refreshToken);
  }
}
