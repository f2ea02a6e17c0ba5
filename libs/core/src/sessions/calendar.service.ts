// The per-user iCalendar feed (RFC 5545) of sessions, behind a secret URL.
import { Injectable } from '@nestjs/common';
import ical, { ICalEventStatus } from 'ical-generator';
import { AuthContext, Forbidden, NotFound } from '@app/common';
import { SecretBox } from '@app/common/crypto/secret-box';
import { AppConfig } from '@app/config';
import { TenantDb, TenantTx } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { hashSecret, issueSecret, practiceOfSecret } from '../auth/secrets';
import { User } from '../users/user.entity';
import { CalendarFeedDto } from './dto/calendar.dto';
import { calendarUid } from './calendar-uid';

interface FeedRow {
  id: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  sequence: number;
  location: string | null;
  video_url: string | null;
  created_at: Date;
  updated_at: Date;
  client_name: string;
  coach_name: string;
}

// Only what an event shows: notes and summaries never leave through the feed.
const FEED_SQL = (mine: 'client_id' | 'coach_id') => `
  SELECT s.id, s.starts_at, s.ends_at, s.status, s.sequence, s.location, s.video_url, s.created_at, s.updated_at,
         c.name AS client_name, u.name AS coach_name
    FROM sessions s
    JOIN clients c ON c.practice_id = s.practice_id AND c.id = s.client_id
    JOIN users u ON u.practice_id = s.practice_id AND u.id = s.coach_id
   WHERE s.practice_id = $1 AND s.${mine} = $2 AND s.starts_at >= now() - interval '1 year'
   ORDER BY s.starts_at, s.id`;

/** SecretBox purpose of the sealed feed tokens. */
const FEED_TOKEN_PURPOSE = 'calendar-feed-token';
const feedTokenContext = (practiceId: string, userId: string) => `${practiceId}/${userId}`;

/**
 * Revokes the calendar feeds of a client's portal accounts (the client is archived): their .ics URLs
 * stop working at once. For the clients feature; one statement in the caller's transaction.
 */
export async function revokeClientCalendarFeeds(tx: TenantTx, clientId: string): Promise<void> {
  await tx.em.query(
    `UPDATE users SET calendar_token_hash = NULL, calendar_token_encrypted = NULL, calendar_token_issued_at = NULL
      WHERE practice_id = $1 AND role = 'client' AND calendar_token_hash IS NOT NULL
        AND (client_id = $2 OR id = (SELECT user_id FROM clients WHERE practice_id = $1 AND id = $2))`,
    [tx.practiceId, clientId],
  );
}

@Injectable()
export class CalendarService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {
    this.box = new SecretBox(config.jwtSecret);
  }

  /**
   * The caller's feed URL: the same one on every call once issued (the token is kept sealed beside
   * its hash), a new one the first time.
   */
  feed(ctx: AuthContext): Promise<CalendarFeedDto> {
    return this.withUser(ctx, async (tx, user) => {
      const kept = user.calendarTokenHash && user.calendarTokenEncrypted ? this.open(user) : null;
      return { url: this.urlOf(kept ?? (await this.issue(tx, ctx, user))) };
    });
  }

  /** Revokes the caller's feed URL and issues a new one: the previous URL stops working at once. */
  resetFeed(ctx: AuthContext): Promise<CalendarFeedDto> {
    return this.withUser(ctx, async (tx, user) => ({ url: this.urlOf(await this.issue(tx, ctx, user)) }));
  }

  private withUser(ctx: AuthContext, work: (tx: TenantTx, user: User) => Promise<CalendarFeedDto>): Promise<CalendarFeedDto> {
    if (!ctx.userId) throw new Forbidden('A calendar feed belongs to a user; a practice-wide API key has none.');
    return this.db.run(ctx.practiceId, async (tx) => {
      // Archiving a client revokes their feed (revokeClientCalendarFeeds): none is issued while archived.
      if (ctx.clientId) {
        const [c]: { status: string }[] = await tx.em.query(`SELECT status FROM clients WHERE practice_id = $1 AND id = $2`, [tx.practiceId, ctx.clientId]);
        if (c?.status === 'archived') throw new Forbidden('An archived client has no calendar feed.');
      }
      // Locked: two first calls at once issue one token, not two.
      const user = await tx.em.createQueryBuilder(User, 'u').setLock('pessimistic_write').where('u.practiceId = :p AND u.id = :id', { p: tx.practiceId, id: ctx.userId }).getOne();
      if (!user) throw new NotFound('User');
      return work(tx, user);
    });
  }

  private async issue(tx: TenantTx, ctx: AuthContext, user: User): Promise<string> {
    const { token, hash } = issueSecret('cal', tx.practiceId);
    const sealed = this.box.encrypt(FEED_TOKEN_PURPOSE, token, feedTokenContext(tx.practiceId, user.id));
    await tx.em.update(User, { practiceId: tx.practiceId, id: user.id }, { calendarTokenHash: hash, calendarTokenEncrypted: sealed, calendarTokenIssuedAt: new Date() });
    await this.audit.record(tx, ctx, user.calendarTokenHash ? 'rotate_calendar_feed' : 'issue_calendar_feed', 'user', user.id);
    return token;
  }

  /** The kept token, or null when it no longer opens (another master secret) or no longer matches its hash. */
  private open(user: User): string | null {
    try {
      const token = this.box.decryptText(FEED_TOKEN_PURPOSE, user.calendarTokenEncrypted!, feedTokenContext(user.practiceId, user.id));
      return hashSecret(token) === user.calendarTokenHash ? token : null;
    } catch {
      return null;
    }
  }

  private urlOf(token: string): string {
    return `${this.config.publicUrl}/v1/calendar/${token}.ics`;
  }

  /**
   * The feed of the token's user: a client's sessions, a coach's (or an owner's) own coaching sessions.
   * Times are UTC; X-WR-TIMEZONE names the user's zone for clients that display it.
   */
  async ics(token: string): Promise<string> {
    const practiceId = practiceOfSecret('cal', token);
    if (!practiceId) throw new NotFound('Calendar');
    return this.db.run(practiceId, async (tx) => {
      const user = await tx.em.findOneBy(User, { practiceId, calendarTokenHash: hashSecret(token) });
      if (!user) throw new NotFound('Calendar');
      const asClient = user.role === 'client';
      const rows: FeedRow[] = asClient && !user.clientId ? [] : await tx.em.query(FEED_SQL(asClient ? 'client_id' : 'coach_id'), [practiceId, asClient ? user.clientId : user.id]);
      const cal = ical({ name: 'Coaching sessions', prodId: { company: 'coaching-platform', product: 'sessions', language: 'EN' }, ttl: 3600 });
      // ical-generator's calendar timezone() would print every time as floating local time (it has no
      // zone database), shifting each event; UTC times plus the zone's name keep every instant exact.
      cal.x([{ key: 'X-WR-TIMEZONE', value: user.timezone }]);
      for (const r of rows) {
        cal.createEvent({
          id: calendarUid(r.id),
          sequence: r.sequence,
          start: r.starts_at,
          end: r.ends_at,
          stamp: r.updated_at,
          created: r.created_at,
          lastModified: r.updated_at,
          summary: `Coaching session with ${asClient ? r.coach_name : r.client_name}`,
          location: r.location ?? r.video_url ?? null,
          url: r.video_url,
          status: r.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        });
      }
      return cal.toString();
    });
  }
}
