import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, Public } from '@app/common';
import { CalendarService } from './calendar.service';
import { CalendarFeedDto } from './dto/calendar.dto';

@ApiTags('calendar')
@Controller('v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** The caller's secret iCalendar feed URL: issued on the first call, the same URL on every call after. */
  @Get('feed')
  @Header('Cache-Control', 'no-store')
  feed(@Ctx() ctx: AuthContext): Promise<CalendarFeedDto> {
    return this.calendar.feed(ctx);
  }

  /** Revokes the caller's feed URL and issues a new one; the previous URL stops working at once. */
  @Post('feed/reset')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  resetFeed(@Ctx() ctx: AuthContext): Promise<CalendarFeedDto> {
    return this.calendar.resetFeed(ctx);
  }

  /** RFC 5545 feed of the token's sessions: stable UID per session, SEQUENCE, STATUS:CANCELLED. */
  @Get(':token.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('text/calendar')
  ics(@Param('token') token: string): Promise<string> {
    return this.calendar.ics(token);
  }
}
