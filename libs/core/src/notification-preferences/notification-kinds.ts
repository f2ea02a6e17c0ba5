// The kinds of notification a recipient may choose about, as the contract names them, and the rules
// about them: written here only. The delivery's SQL (app_notification_mail_details) receives the lists
// as parameters, and the portal's settings page imports this file (it must stay free of imports).

/**
 * Every kind the preferences name, including kinds whose senders live in other features (booking
 * nudges, forms, assessment alerts): a preference may be set before the first one is sent.
 */
export const PREFERENCE_KINDS = [
  'session_reminder',
  'goal_proposed',
  'goal_changes_requested',
  'review_opened',
  'review_overdue',
  'review_submitted',
  'action_item_due',
  'engagement_stalled',
  'booking_nudge',
  'form_assigned',
  'assessment_alert',
] as const;
export type PreferenceKind = (typeof PREFERENCE_KINDS)[number];

/** Email of these kinds cannot be turned off (the delivery's SQL never mutes them: it is given this list). */
export const ALWAYS_EMAILED: readonly PreferenceKind[] = ['assessment_alert'];

export const isPreferenceKind = (k: string): k is PreferenceKind => (PREFERENCE_KINDS as readonly string[]).includes(k);

/**
 * What a daily digest gathers: every kind but these, which matter at their own time (the delivery's
 * SQL holds exactly DIGESTED_KINDS: it is given that list). The digest's unsubscribe link stops them all.
 */
export const NEVER_HELD: readonly PreferenceKind[] = ['session_reminder', 'assessment_alert'];
export const DIGESTED_KINDS: readonly PreferenceKind[] = PREFERENCE_KINDS.filter((k) => !NEVER_HELD.includes(k));
