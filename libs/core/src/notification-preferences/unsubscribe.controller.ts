import { Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@app/common';
import { UnsubscribedDto } from './dto/notification-preferences.dto';
import { NotificationPreferencesService } from './notification-preferences.service';
import { confirmPage, donePage } from './unsubscribe-page';

/** The links every email carries (RFC 8058): the token is the only credential. */
@ApiTags('notifications')
@Controller('v1/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  /** A page asking to confirm the unsubscribe (a mail client's prefetch of the link changes nothing). */
  @Get(':token')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  async page(@Param('token') token: string): Promise<string> {
    return confirmPage(await this.preferences.describe(token));
  }

  /**
   * One-click unsubscribe: that recipient gets no more email of the link's kind. Any body is ignored (a
   * mail client sends `List-Unsubscribe=One-Click`); a browser submitting the confirmation page gets a page.
   */
  @Post(':token')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async unsubscribe(@Param('token') token: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<UnsubscribedDto | string> {
    const done = await this.preferences.unsubscribe(token);
    if (!/text\/html/.test(req.headers.accept ?? '')) return done;
    void reply.type('text/html; charset=utf-8');
    return donePage(done);
  }
}
