import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { AuthContext, Ctx, decodeCursor, IdParam, NotFound, PageQuery, pageSize, Roles, toPage } from '@app/common';
import { TenantDb } from '@app/database';
import { InboxQuery, MailboxPage, NotificationPage } from './dto/notification.dto';
import { MailMessage } from './mail-message.entity';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('v1')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly db: TenantDb,
    private readonly config: AppConfig,
  ) {}

  /** The caller's in-app inbox, newest first; filter unread. */
  @Get('notifications')
  inbox(@Ctx() ctx: AuthContext, @Query() q: InboxQuery): Promise<NotificationPage> {
    return this.notifications.inbox(ctx, q);
  }

  /** Marks one of the caller's notifications read. */
  @Post('notifications/:id/read')
  @HttpCode(204)
  read(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.notifications.markRead(ctx, id);
  }

  /** Development only (SMTP_URL unset): the mail the practice's members would have received, newest first. */
  @Get('dev/mailbox')
  @Roles('owner')
  async mailbox(@Ctx() ctx: AuthContext, @Query() q: PageQuery): Promise<MailboxPage> {
    if (this.config.smtpUrl || this.config.isProduction) throw new NotFound('Mailbox');
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      const qb = tx.em.createQueryBuilder(MailMessage, 'm').where('m.practiceId = :p', { p: tx.practiceId }).orderBy('m.id', 'DESC').limit(limit + 1);
      if (after) qb.andWhere('m.id < :after', { after: after[0] });
      const rows = await qb.getMany();
      return toPage(rows, limit, (m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, html: m.html, hasCalendarInvite: !!m.ics, createdAt: m.createdAt.toISOString() }), (m) => [m.id]);
    });
  }
}
