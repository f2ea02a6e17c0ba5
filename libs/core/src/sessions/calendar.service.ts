// The per-user iCalendar feed (RFC 5545) of sessions, behind a secret URL.
import { Injectable } from '@nestjs/common';
import ical, { ICalEventStatus } from 'ical-generator';
import { AuthContext, Forbidden, NotFound } from '@app/common';
import { AppConfig } from '@app/config';
import { TenantDb } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { hashSecret, issueSecret, practiceOfSecret } from '../auth/secrets';
import { User } from '../users/user.entity';
import { CalendarFeedDto } from './dto/calendar.dto';

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

@Injectable()
export class CalendarService {
  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Issues the caller's feed URL. Only a hash of the token is stored, so the URL cannot be shown
   * again: each call issues a fresh token and the previous URL stops working.
   */
  issueFeed(ctx: AuthContext): Promise<CalendarFeedDto> {
    if (!ctx.userId) throw new Forbidden('A calendar feed belongs to a user; a practice-wide API key has none.');
    return this.db.run(ctx.practiceId, async (tx) => {
      const user = await tx.em.findOneBy(User, { practiceId: tx.practiceId, id: ctx.userId! });
      if (!user) throw new NotFound('User');
      const { token, hash } = issueSecret('cal', tx.practiceId);
      await tx.em.update(User, { practiceId: tx.practiceId, id: user.id }, { calendarTokenHash: hash });
      await this.audit.record(tx, ctx, user.calendarTokenHash ? 'rotate_calendar_feed' : 'issue_calendar_feed', 'user', user.id);
      return { url: `${this.config.publicUrl}/v1/calendar/${token}.ics` };
    });
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
          id: `${r.id}@coaching-platform`,
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
