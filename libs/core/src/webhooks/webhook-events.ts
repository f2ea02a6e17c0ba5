// The events a webhook endpoint may subscribe to: the contract's list (API.md, "Webhook events").
export const WEBHOOK_EVENTS = [
  'session.scheduled',
  'session.rescheduled',
  'session.cancelled',
  'session.completed',
  'goal.proposed',
  'goal.agreed',
  'goal.changes_requested',
  'goal.achieved',
  'review.opened',
  'review.submitted',
  'review.completed',
  'measurement.recorded',
  'reminder.sent',
  'form.assigned',
  'form.response_submitted',
  'assessment.alert',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const KNOWN = new Set<string>(WEBHOOK_EVENTS);

/** True for the domain event types that endpoints may receive; others never leave the platform. */
export const isWebhookEvent = (type: string): type is WebhookEvent => KNOWN.has(type);

/** The body of every delivery, as the contract defines it. */
export interface WebhookPayload {
  id: string;
  type: string;
  createdAt: string;
  practiceId: string;
  data: Record<string, unknown>;
}

/** The JSON text of a payload, fields in the contract's order (jsonb storage does not keep key order). */
export const payloadBody = (p: WebhookPayload): string =>
  JSON.stringify({ id: p.id, type: p.type, createdAt: p.createdAt, practiceId: p.practiceId, data: p.data });

/** Purpose label of the encrypted signing secrets (see SecretBox). */
export const SIGNING_SECRET_PURPOSE = 'webhook-signing-secret';

/** The SecretBox context of an endpoint's secret: a blob copied onto another row does not open. */
export const signingSecretContext = (practiceId: string, endpointId: string): string => `${practiceId}/${endpointId}`;
