// What the delivery's steps pass between them: a claimed row, and what its message needs.
import type { Notification } from '../notification.entity';

/** A row as its claim returns it. `attempts` is the claim's fencing token. */
export interface ClaimedNotification {
  practice_id: string;
  id: string;
  kind: Notification['kind'];
  channel: Notification['channel'];
  /** The account; null for a client without one (then recipient_client_id). */
  recipient_user_id: string | null;
  recipient_client_id: string | null;
  subject_id: string;
  data: Record<string, unknown>;
  attempts: number;
  /** The planning request's trace context, continued by the send. */
  trace_parent: string | null;
}

export interface Recipient {
  name: string;
  email: string;
  timezone: string;
}

export interface SessionDetails {
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  video_url: string | null;
  sequence: number;
  status: string;
  updated_at: Date;
  coach_name: string;
  client_name: string;
  coach_id: string;
}

/**
 * One row of app_notification_mail_details(): the recipient (null columns when gone: a deleted account,
 * an archived client), whether their preferences mute this row, and the session (session_found false when gone).
 */
export interface DeliveryDetails extends Omit<SessionDetails, 'status'> {
  id: string;
  name: string | null;
  email: string | null;
  timezone: string | null;
  muted: boolean;
  /** An email the recipient's daily digest holds (to go out at digest_time, their local time). */
  held: boolean;
  digest_time: string | null;
  session_found: boolean;
  session_status: string;
}

/** A held email as its digest writes it. */
export interface HeldNotification {
  id: string;
  kind: Notification['kind'];
  data: Record<string, unknown>;
  /** The recipient turned this kind of email off after it was held: the digest drops it, unsent. */
  muted: boolean;
}

/**
 * What one row's delivery did; 'held': kept for the recipient's daily digest, which sends it; 'superseded': our claim was taken over meanwhile, so nothing was
 * recorded; 'failed': the last attempt failed; 'released': a message not sent in time, given back unsent.
 */
export type Outcome = 'sent' | 'cancelled' | 'skipped' | 'superseded' | 'retry' | 'failed' | 'released' | 'held';

/** What a batch did: how many rows ended each way. */
export type BatchOutcome = Partial<Record<Outcome, number>>;
