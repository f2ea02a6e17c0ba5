import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { UnsubscribeTokens } from '../../notification-preferences/unsubscribe-token';
import { calendarUid } from '../../sessions/calendar-uid';
import { writeInvite } from '../invite';
import { renderDigest, renderMail } from '../mail-templates';
import type { ClaimedNotification, DeliveryDetails, HeldNotification, Recipient, SessionDetails } from './delivery.types';
import type { OutgoingMail } from './mailer.service';

/** The address part of a From header ("Coaching <no-reply@example.com>" → "no-reply@example.com"). */
const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();

/** The recipient a row's details name, if still there. */
export const recipientOf = (d: DeliveryDetails | undefined): Recipient | undefined => (d?.name != null ? { name: d.name, email: d.email!, timezone: d.timezone! } : undefined);

/** The session a row's details name, if still there. */
export const sessionOf = (d: DeliveryDetails | undefined): SessionDetails | undefined => (d?.session_found ? { ...d, status: d.session_status } : undefined);

/**
 * Writes a notification's email for its recipient (an account, or a client without one): text and
 * HTML, the time in the recipient's zone, an invitation for a session, and the one-click unsubscribe
 * link (RFC 8058) for this recipient and kind.
 */
@Injectable()
export class MessageWriter {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: UnsubscribeTokens,
  ) {}

  /** The message; null when there is nothing left to remind of (the session is no longer scheduled, the recipient is gone). */
  write(n: ClaimedNotification, recipient: Recipient | undefined, s: SessionDetails | undefined): OutgoingMail | null {
    if (!recipient) return null;
    let data = n.data;
    let ics: string | undefined;
    if (n.kind === 'session_reminder') {
      if (!s || s.status !== 'scheduled') return null;
      const other = n.recipient_user_id === s.coach_id ? s.client_name : s.coach_name;
      data = { ...data, startsAt: s.starts_at.toISOString(), with: other, location: s.location, videoUrl: s.video_url };
      ics = this.invite(n.subject_id, s, other, recipient);
    }
    const unsubscribeUrl = this.unsubscribeUrl(n);
    const rendered = renderMail(n.kind, { recipientName: recipient.name, timezone: recipient.timezone, portalUrl: this.config.publicUrl, data, unsubscribeUrl });
    return { ...rendered, to: recipient.email, messageId: `<${n.id}@coaching-platform>`, ics, unsubscribeUrl };
  }

  /** A daily digest: the held emails, each written as it would have been alone, in one message. */
  writeDigest(n: ClaimedNotification, recipient: Recipient, held: HeldNotification[]): OutgoingMail {
    const unsubscribeUrl = this.unsubscribeUrl(n);
    const rendered = renderDigest({ recipientName: recipient.name, timezone: recipient.timezone, portalUrl: this.config.publicUrl, unsubscribeUrl }, held);
    return { ...rendered, to: recipient.email, messageId: `<${n.id}@coaching-platform>`, unsubscribeUrl };
  }

  /** The recipient's link that stops this kind of email (PUBLIC_URL is HTTPS in production). */
  unsubscribeUrl(n: Pick<ClaimedNotification, 'practice_id' | 'recipient_user_id' | 'recipient_client_id' | 'kind'>): string {
    const recipient = n.recipient_user_id ? { userId: n.recipient_user_id } : { clientId: n.recipient_client_id! };
    return `${this.config.publicUrl}/v1/unsubscribe/${this.tokens.sign({ practiceId: n.practice_id, recipient, kind: n.kind })}`;
  }

  /**
   * The session as an iTIP REQUEST (RFC 5546): the same UID and SEQUENCE as the calendar feed's event,
   * so a calendar that has both keeps one event and applies the newer sequence. Times are UTC: a
   * zone name alone (without its VTIMEZONE) would make floating local times that each calendar reads
   * in its own zone. X-WR-TIMEZONE names the recipient's zone for display.
   * The organizer is the coach, written with the practice's sending address (replies go nowhere
   * else); the attendee is the recipient.
   */
  private invite(sessionId: string, s: SessionDetails, other: string, recipient: Recipient): string {
    return writeInvite({
      uid: calendarUid(sessionId),
      sequence: s.sequence,
      start: s.starts_at,
      end: s.ends_at,
      stamp: s.updated_at,
      summary: `Coaching session with ${other}`,
      location: s.location ?? s.video_url,
      url: s.video_url,
      organizer: { name: s.coach_name, email: addressOf(this.config.mailFrom) },
      attendee: { name: recipient.name, email: recipient.email },
      timezone: recipient.timezone,
    });
  }
}
