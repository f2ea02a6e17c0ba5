// The client's data rights: an export of everything held about them, and erasure that keeps anonymous counts.
import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { AuthContext, Forbidden, NotFound } from '@app/common';
import { forgetCheckedUsers, TenantDb, TenantTx } from '@app/database';
import { AuditEventDto } from '../audit/dto/audit-event.dto';
import { AuditService } from '../audit/audit.service';
import { Client } from '../clients/client.entity';
import { ClientsRepository } from '../clients/clients.repository';
import { toClientDto } from '../clients/clients.service';
import { Engagement } from '../engagements/engagement.entity';
import { toEngagementDto } from '../engagements/engagements.service';
import { MeasurementDto } from '../goals/dto/goal.dto';
import { Goal } from '../goals/goal.entity';
import { GoalRevision } from '../goals/goal-revision.entity';
import { clientSeesGoalSql } from '../goals/goal.queries';
import { asSeenBy, visibleTo } from '../goals/goals.repository';
import { toGoalDto, toRevisionDto } from '../goals/goals.service';
import { ProgressRepository } from '../goals/progress.repository';
import { FormResponse } from '../forms/form-response.entity';
import { toResponseDto } from '../forms/assignments.service';
import { JournalEntry } from '../journal/journal-entry.entity';
import { toJournalEntryDto } from '../journal/journal.service';
import { Review } from '../reviews/review.entity';
import { ReviewEntry } from '../reviews/review-entry.entity';
import { toReviewDto } from '../reviews/reviews.service';
import { User } from '../users/user.entity';
import { toUserDto } from '../users/user.mapper';
import { ClientExportDto, ExportActionItemDto, ExportAgendaItemDto, ExportMailDto, ExportNotificationDto, ExportSessionDto } from './dto/client-export.dto';

export const ERASED_NAME = 'Erased client';
export const ERASED_TEXT = '[erased]';
export const erasedEmail = (clientId: string) => `erased-${clientId}@invalid`;

/**
 * The ids of every record about a client: the client, their account and invitations, engagements,
 * goals ($3: every one; else those the client may see) with milestones, metrics and measurements, sessions with agenda items,
 * action items, reviews with entries. Audit events and domain events are found by these ids.
 */
const RECORD_IDS_SQL = `
  WITH e AS (SELECT id FROM engagements WHERE practice_id = $1 AND client_id = $2),
       g AS (SELECT id FROM goals WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM e) AND ($3 OR ${clientSeesGoalSql('goals')})),
       mt AS (SELECT id FROM metrics WHERE practice_id = $1 AND goal_id IN (SELECT id FROM g)),
       s AS (SELECT id FROM sessions WHERE practice_id = $1 AND (client_id = $2 OR engagement_id IN (SELECT id FROM e))),
       r AS (SELECT id FROM reviews WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM e))
  SELECT $2::uuid AS id
  UNION SELECT id FROM users WHERE practice_id = $1 AND (client_id = $2 OR id = (SELECT user_id FROM clients WHERE practice_id = $1 AND id = $2))
  UNION SELECT id FROM invitations WHERE practice_id = $1 AND client_id = $2
  UNION SELECT id FROM e
  UNION SELECT id FROM g
  UNION SELECT id FROM milestones WHERE practice_id = $1 AND goal_id IN (SELECT id FROM g)
  UNION SELECT id FROM mt
  UNION SELECT id FROM measurements WHERE practice_id = $1 AND metric_id IN (SELECT id FROM mt)
  UNION SELECT id FROM s
  UNION SELECT id FROM agenda_items WHERE practice_id = $1 AND session_id IN (SELECT id FROM s)
  UNION SELECT id FROM action_items WHERE practice_id = $1 AND client_id = $2
  UNION SELECT id FROM r
  UNION SELECT id FROM review_entries WHERE practice_id = $1 AND review_id IN (SELECT id FROM r)`;

// The session tables are read with plain SQL and named columns: private notes are never selected.
const SESSIONS_SQL = `
  SELECT id, engagement_id AS "engagementId", coach_id AS "coachId", client_id AS "clientId", starts_at AS "startsAt", ends_at AS "endsAt",
         duration_minutes AS "durationMinutes", location, video_url AS "videoUrl", status, shared_summary AS "sharedSummary", sequence,
         cancel_reason AS "cancelReason", completed_at AS "completedAt", cancelled_at AS "cancelledAt", created_at AS "createdAt", updated_at AS "updatedAt"
    FROM sessions
   WHERE practice_id = $1 AND (client_id = $2 OR engagement_id = ANY($3::uuid[]))
   ORDER BY starts_at, id`;

const AGENDA_SQL = `
  SELECT id, session_id AS "sessionId", kind, text, "order", proposed_by AS "proposedBy", proposed_by_id AS "proposedById", goal_id AS "goalId",
         achieved, achieved_at AS "achievedAt", strategy, metric_id AS "metricId", target::text AS target, result::text AS result, created_at AS "createdAt"
    FROM agenda_items
   WHERE practice_id = $1 AND session_id = ANY($2::uuid[])
   ORDER BY session_id, "order", id`;

const ACTION_ITEMS_SQL = `
  SELECT id, session_id AS "sessionId", engagement_id AS "engagementId", title, to_char(due_on, 'YYYY-MM-DD') AS "dueOn", goal_id AS "goalId",
         done, done_at AS "doneAt", created_at AS "createdAt"
    FROM action_items
   WHERE practice_id = $1 AND client_id = $2
   ORDER BY id`;

const MEASUREMENTS_SQL = `
  SELECT ms.id, ms.metric_id, ms.value::text AS value, ms.recorded_at, ms.recorded_by_id, ms.note, ms.created_at, mt.goal_id
    FROM measurements ms JOIN metrics mt ON mt.practice_id = ms.practice_id AND mt.id = ms.metric_id
   WHERE ms.practice_id = $1 AND mt.goal_id = ANY($2::uuid[])
   ORDER BY ms.recorded_at, ms.id`;

// Anonymous figures that survive erasure, and go into its audit event.
const COUNTS_SQL = `
  WITH e AS (SELECT id FROM engagements WHERE practice_id = $1 AND client_id = $2)
  SELECT
    (SELECT count(*)::int FROM e) AS engagements,
    (SELECT coalesce(jsonb_object_agg(status, n), '{}') FROM (
       SELECT status, count(*)::int AS n FROM goals WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM e) GROUP BY status) x) AS goals,
    (SELECT coalesce(jsonb_object_agg(status, n), '{}') FROM (
       SELECT status, count(*)::int AS n FROM sessions WHERE practice_id = $1 AND client_id = $2 GROUP BY status) x) AS sessions,
    (SELECT coalesce(jsonb_object_agg(status, n), '{}') FROM (
       SELECT status, count(*)::int AS n FROM reviews WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM e) GROUP BY status) x) AS reviews,
    (SELECT count(*)::int FROM measurements ms JOIN metrics mt ON mt.practice_id = ms.practice_id AND mt.id = ms.metric_id
      WHERE ms.practice_id = $1 AND mt.goal_id IN (SELECT id FROM goals WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM e))) AS measurements,
    (SELECT count(*)::int FROM agenda_items WHERE practice_id = $1 AND session_id IN (SELECT id FROM sessions WHERE practice_id = $1 AND client_id = $2)) AS "agendaItems",
    (SELECT count(*)::int FROM action_items WHERE practice_id = $1 AND client_id = $2) AS "actionItems"`;

/**
 * Erasure, statement by statement, all scoped to the practice ($1) and the client ($2). Free text is
 * replaced ('[erased]' where a value is required) or cleared; rows, statuses, dates and numbers stay,
 * so the practice's counts do not change.
 */
const ERASE_SQL = [
  // Between sessions: the answers and the journal's words are the client's content; scores and counts stay.
  `UPDATE form_responses SET answers = '[]'::jsonb WHERE practice_id = $1 AND client_id = $2`,
  `UPDATE journal_entries SET text = '${ERASED_TEXT}', goal_id = NULL, shared = false, shared_at = NULL WHERE practice_id = $1 AND client_id = $2`,
  `UPDATE engagements SET title = '${ERASED_TEXT}' WHERE practice_id = $1 AND client_id = $2`,
  `UPDATE goals SET title = '${ERASED_TEXT}', description = NULL, specific = NULL, measurable = NULL, achievable = NULL, relevant = NULL,
          changes_requested_comment = NULL
    WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM engagements WHERE practice_id = $1 AND client_id = $2)`,
  `UPDATE goal_revisions
      SET terms = jsonb_build_object('title', '${ERASED_TEXT}', 'description', NULL, 'specific', NULL, 'measurable', NULL, 'achievable', NULL,
                                     'relevant', NULL, 'targetDate', terms -> 'targetDate'),
          changes_requested_comment = NULL
    WHERE practice_id = $1 AND goal_id IN (SELECT g.id FROM goals g JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
                                            WHERE g.practice_id = $1 AND e.client_id = $2)`,
  `UPDATE milestones SET title = '${ERASED_TEXT}'
    WHERE practice_id = $1 AND goal_id IN (SELECT g.id FROM goals g JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
                                            WHERE g.practice_id = $1 AND e.client_id = $2)`,
  `UPDATE metrics SET name = '${ERASED_TEXT}'
    WHERE practice_id = $1 AND goal_id IN (SELECT g.id FROM goals g JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
                                            WHERE g.practice_id = $1 AND e.client_id = $2)`,
  `UPDATE measurements SET note = NULL
    WHERE practice_id = $1 AND note IS NOT NULL AND metric_id IN (
      SELECT mt.id FROM metrics mt JOIN goals g ON g.practice_id = mt.practice_id AND g.id = mt.goal_id
        JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
       WHERE mt.practice_id = $1 AND e.client_id = $2)`,
  `UPDATE sessions SET shared_summary = NULL, private_notes = NULL, location = NULL, video_url = NULL, cancel_reason = NULL
    WHERE practice_id = $1 AND client_id = $2`,
  `UPDATE agenda_items SET text = '${ERASED_TEXT}', strategy = NULL
    WHERE practice_id = $1 AND session_id IN (SELECT id FROM sessions WHERE practice_id = $1 AND client_id = $2)`,
  `UPDATE action_items SET title = '${ERASED_TEXT}' WHERE practice_id = $1 AND client_id = $2`,
  `UPDATE reviews SET note = NULL, coach_notes = NULL
    WHERE practice_id = $1 AND engagement_id IN (SELECT id FROM engagements WHERE practice_id = $1 AND client_id = $2)`,
  `UPDATE review_entries SET what_worked = NULL, what_didnt = NULL, next_step = NULL, adjustment_note = NULL
    WHERE practice_id = $1 AND review_id IN (
      SELECT r.id FROM reviews r JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id WHERE r.practice_id = $1 AND e.client_id = $2)`,
];

// What a consumer needs to stay consistent (ids, times, statuses, numbers) and no text: for
// domain events, the copies of them in webhook deliveries, and notification data.
const scrubbed = (col: string) => `
  ((SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb) FROM jsonb_each(${col}) AS j(k, v)
     WHERE k ~ '(Id|At)$' OR k IN ('status', 'kind', 'version', 'sequence', 'periodStart', 'periodEnd')
        OR jsonb_typeof(v) IN ('number', 'boolean', 'null')) || '{"erased": true}'::jsonb)`;

const SCRUB_EVENTS_SQL = `
  UPDATE domain_events SET data = ${scrubbed('data')}
   WHERE practice_id = $1 AND entity_id = ANY($2::uuid[]) AND NOT data ? 'erased'`;

// Pending deliveries go out with the scrubbed data too; delivered ones keep only the ids.
const SCRUB_DELIVERIES_SQL = `
  UPDATE webhook_deliveries SET payload = jsonb_set(payload, '{data}', ${scrubbed(`payload -> 'data'`)})
   WHERE practice_id = $1 AND NOT payload -> 'data' ? 'erased'
     AND event_id IN (SELECT id FROM domain_events WHERE practice_id = $1 AND entity_id = ANY($2::uuid[]))`;

// Notifications about the client's records addressed to others (the coach): nothing more is sent
// about them, and what was sent keeps no text (titles, the client's comments).
const CANCEL_NOTIFICATIONS_SQL = `
  UPDATE notifications SET status = 'cancelled'
   WHERE practice_id = $1 AND subject_id = ANY($2::uuid[]) AND status = 'scheduled'`;
const SCRUB_NOTIFICATIONS_SQL = `
  UPDATE notifications SET data = ${scrubbed('data')}
   WHERE practice_id = $1 AND subject_id = ANY($2::uuid[]) AND NOT data ? 'erased'`;

// Kept mail (the development mailbox) written to the client or about their records, to anyone:
// a coach's reminder names the client. The notification rows themselves stay (scrubbed above).
const DELETE_MAIL_SQL = `
  DELETE FROM mail_messages
   WHERE practice_id = $1 AND ("to" = ANY($3::text[]) OR notification_id IN (
     SELECT id FROM notifications WHERE practice_id = $1 AND (subject_id = ANY($2::uuid[]) OR recipient_user_id = ANY($2::uuid[]))))`;

// What was sent (or is planned) to the client: to their account ($2, null without one), or to the client
// record ($4) while they had none; and the mail kept for them. A notice about a goal the client may no
// longer see (returned to draft) is left out with the goal, and its mail too.
const NOTIFICATIONS_SQL = `
  SELECT id, kind, channel, subject_type AS "subjectType", subject_id AS "subjectId", data, due_at AS "dueAt", status,
         sent_at AS "sentAt", read_at AS "readAt", created_at AS "createdAt"
    FROM notifications
   WHERE practice_id = $1 AND (recipient_user_id = $2::uuid OR recipient_client_id = $4::uuid)
     AND NOT (subject_type = 'goal' AND subject_id <> ALL($3::uuid[]))
   ORDER BY created_at, id`;

const MAIL_SQL = `
  SELECT m.id, m.notification_id AS "notificationId", m."to", m.subject, m.text, m.html, m.ics, m.created_at AS "createdAt"
    FROM mail_messages m
   WHERE m.practice_id = $1 AND (m.notification_id = ANY($2::uuid[]) OR (m."to" = ANY($3::text[]) AND NOT EXISTS (
           SELECT 1 FROM notifications n WHERE n.practice_id = m.practice_id AND n.id = m.notification_id AND n.subject_type = 'goal' AND n.subject_id <> ALL($4::uuid[]))))
   ORDER BY m.created_at, m.id`;

interface MeasurementRow {
  id: string;
  metric_id: string;
  value: string;
  recorded_at: Date;
  recorded_by_id: string | null;
  note: string | null;
  created_at: Date;
  goal_id: string;
}

interface AuditRow {
  id: string;
  actor_type: AuditEventDto['actorType'];
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: Record<string, unknown> | null;
  request_id: string | null;
  at: Date;
}

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : (v as string | null));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Drops private notes from anything recorded about a session, however it was written. */
function withoutPrivateNotes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutPrivateNotes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !/^private_?notes$/i.test(k)).map(([k, x]) => [k, withoutPrivateNotes(x)]));
  return v;
}

/**
 * The audit as the client may read it. A goal's history before each proposal is the coach's drafting:
 * its creation and the edits made while it was a draft or back with the coach after a request for
 * changes keep their time and actor but not their content (what was proposed is in the revisions).
 * Anywhere in a change, a goal or metric the client may not see is not named.
 */
function clientAudit(rows: AuditRow[], goalRef: (id: unknown) => string | null, metricRef: (id: unknown) => string | null): AuditRow[] {
  const stage = new Map<string, string>();
  return rows.map((a) => {
    if (a.entity_type !== 'goal') return { ...a, changes: withoutHiddenRefs(a.changes, goalRef, metricRef) as AuditRow['changes'] };
    const before = a.action === 'create' ? 'draft' : (stage.get(a.entity_id) ?? 'draft');
    const to = (a.changes?.status as { to?: unknown } | undefined)?.to;
    stage.set(a.entity_id, typeof to === 'string' ? to : before);
    const drafting = a.action === 'create' || (a.action === 'update' && (before === 'draft' || before === 'changes_requested'));
    return { ...a, changes: drafting ? null : (withoutHiddenRefs(a.changes, goalRef, metricRef) as AuditRow['changes']) };
  });
}

/** Replaces the ids under goal and metric keys (goalId, parentGoalId, metricId, at any depth) the client may not see with null. */
function withoutHiddenRefs(v: unknown, goalRef: (id: unknown) => string | null, metricRef: (id: unknown) => string | null, ref?: (id: unknown) => string | null): unknown {
  if (ref && typeof v === 'string') return ref(v);
  if (Array.isArray(v)) return v.map((x) => withoutHiddenRefs(x, goalRef, metricRef, ref));
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, withoutHiddenRefs(x, goalRef, metricRef, /goalid$/i.test(k) ? goalRef : /metricid$/i.test(k) ? metricRef : ref)]),
    );
  }
  return v;
}

const toMeasurementDto = (m: MeasurementRow): MeasurementDto => ({
  id: m.id,
  metricId: m.metric_id,
  value: Number(m.value),
  recordedAt: m.recorded_at.toISOString(),
  recordedById: m.recorded_by_id,
  note: m.note,
  createdAt: m.created_at.toISOString(),
});

const ownerOnly = (ctx: AuthContext) => {
  if (ctx.role !== 'owner') throw new Forbidden('Only an owner may export or erase a client.');
};

@Injectable()
export class PrivacyService {
  constructor(
    private readonly db: TenantDb,
    private readonly clients: ClientsRepository,
    private readonly progress: ProgressRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Everything held about a client as one document. It may be handed to the client, so it holds
   * nothing a client may not see: no private notes, no draft goals.
   */
  export(ctx: AuthContext, clientId: string): Promise<ClientExportDto> {
    ownerOnly(ctx);
    return this.document(ctx, clientId, false);
  }

  /** A client's own copy of the same document: with every journal entry of theirs, shared or not. */
  exportOwn(ctx: AuthContext): Promise<ClientExportDto> {
    if (ctx.role !== 'client' || !ctx.clientId) throw new NotFound('Client');
    return this.document(ctx, ctx.clientId, true);
  }

  private document(ctx: AuthContext, clientId: string, everyJournalEntry: boolean): Promise<ClientExportDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const client = await this.clients.require(tx, ctx, clientId);
      const p = tx.practiceId;
      const user = await this.accountOf(tx, client);
      const engagements = await tx.em.find(Engagement, { where: { practiceId: p, clientId: client.id }, order: { id: 'ASC' } });
      const engagementIds = engagements.map((e) => e.id);
      // The document may be handed to the client: it holds the goals the client may see, by the goals feature's rule.
      const asClient: AuthContext = { ...ctx, role: 'client' };
      const goals = engagementIds.length
        ? (await tx.em.createQueryBuilder(Goal, 'g').where(`g.practiceId = :p AND g.engagementId IN (:...e)`, { p, e: engagementIds }).orderBy('g.id', 'ASC').getMany()).filter((g) => visibleTo(asClient, g))
        : [];
      // As the client reads them: the terms last proposed while the coach edits, no parent goal they may not see.
      await asSeenBy(tx, asClient, goals);
      const goalIds = goals.map((g) => g.id);
      const parts = await this.progress.partsOf(tx, goalIds);
      // Agenda and action items may name a goal (or a goal's metric) the client may not see: not named here either.
      const shownMetrics = new Set([...parts.values()].flatMap((x) => x.metrics.map((m) => m.id)));
      const goalRef = (id: unknown) => (typeof id === 'string' && goalIds.includes(id) ? id : null);
      const metricRef = (id: unknown) => (typeof id === 'string' && shownMetrics.has(id) ? id : null);
      const revisions = goalIds.length ? await tx.em.find(GoalRevision, { where: { practiceId: p, goalId: In(goalIds) }, order: { version: 'ASC' } }) : [];
      const measurements: MeasurementRow[] = goalIds.length ? await tx.em.query(MEASUREMENTS_SQL, [p, goalIds]) : [];
      const sessions: Row[] = await tx.em.query(SESSIONS_SQL, [p, client.id, engagementIds]);
      const agenda: Row[] = sessions.length ? await tx.em.query(AGENDA_SQL, [p, sessions.map((s) => s.id)]) : [];
      const actionItems: Row[] = await tx.em.query(ACTION_ITEMS_SQL, [p, client.id]);
      const reviews = engagementIds.length ? await tx.em.find(Review, { where: { practiceId: p, engagementId: In(engagementIds) }, order: { periodEnd: 'ASC', id: 'ASC' } }) : [];
      const entries = reviews.length ? await tx.em.find(ReviewEntry, { where: { practiceId: p, reviewId: In(reviews.map((r) => r.id)) }, order: { goalId: 'ASC' } }) : [];
      const shown = new Set(goalIds);
      // Responses as the client reads them (no alert texts); journal entries only while the client shares them,
      // except in the client's own copy, which holds all of theirs.
      const responses = await tx.em.find(FormResponse, { where: { practiceId: p, clientId: client.id }, order: { submittedAt: 'ASC', id: 'ASC' } });
      const journal = await tx.em.find(JournalEntry, { where: { practiceId: p, clientId: client.id, ...(everyJournalEntry ? {} : { shared: true }) }, order: { id: 'ASC' } });
      const ids: { id: string }[] = await tx.em.query(RECORD_IDS_SQL, [p, client.id, false]);
      const notifications: Row[] = await tx.em.query(NOTIFICATIONS_SQL, [p, user?.id ?? null, goalIds, client.id]);
      const mail: Row[] = await tx.em.query(MAIL_SQL, [p, notifications.map((n) => n.id), [...new Set([client.email, ...(user ? [user.email] : [])])], goalIds]);
      const audit: AuditRow[] = await tx.em.query(`SELECT * FROM audit_events WHERE practice_id = $1 AND entity_id = ANY($2::uuid[]) ORDER BY at, id`, [p, ids.map((r) => r.id)]);

      const doc: ClientExportDto = {
        exportedAt: new Date().toISOString(),
        client: toClientDto(client),
        user: user && toUserDto(user),
        engagements: engagements.map(toEngagementDto),
        goals: goals.map((g) => ({
          ...toGoalDto(g, parts.get(g.id)!),
          revisions: revisions.filter((r) => r.goalId === g.id).map(toRevisionDto),
          measurements: measurements.filter((m) => m.goal_id === g.id).map(toMeasurementDto),
        })),
        sessions: sessions.map((s) => ({ ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), completedAt: iso(s.completedAt), cancelledAt: iso(s.cancelledAt), createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) }) as ExportSessionDto),
        agendaItems: agenda.map((a) => ({ ...a, goalId: goalRef(a.goalId), metricId: metricRef(a.metricId), target: num(a.target), result: num(a.result), achievedAt: iso(a.achievedAt), createdAt: iso(a.createdAt) }) as ExportAgendaItemDto),
        actionItems: actionItems.map((a) => ({ ...a, goalId: goalRef(a.goalId), doneAt: iso(a.doneAt), createdAt: iso(a.createdAt) }) as ExportActionItemDto),
        reviews: reviews.map((r) => ({
          ...toReviewDto(r),
          // A goal returned to draft is the coach's again: its entry is left out with it.
          entries: entries
            .filter((x) => x.reviewId === r.id && shown.has(x.goalId))
            .map((x) => ({ goalId: x.goalId, selfRating: x.selfRating, whatWorked: x.whatWorked, whatDidnt: x.whatDidnt, nextStep: x.nextStep, adjustment: x.adjustment, adjustmentNote: x.adjustmentNote })),
        })),
        formResponses: responses.map((r) => toResponseDto(asClient, r)),
        journalEntries: journal.map(toJournalEntryDto),
        notifications: notifications.map((n) => ({ ...n, dueAt: iso(n.dueAt), sentAt: iso(n.sentAt), readAt: iso(n.readAt), createdAt: iso(n.createdAt) }) as ExportNotificationDto),
        mail: mail.map((m) => ({ ...m, createdAt: iso(m.createdAt) }) as ExportMailDto),
        // Whether a feed is issued and since when: its token (hash or sealed) never leaves.
        calendarFeed: { issued: !!user?.calendarTokenHash, issuedAt: user?.calendarTokenHash ? (user.calendarTokenIssuedAt?.toISOString() ?? null) : null },
        auditEvents: clientAudit(audit, goalRef, metricRef).map((a) => ({
          id: a.id,
          actorType: a.actor_type,
          actorId: a.actor_id,
          action: a.action,
          entityType: a.entity_type,
          entityId: a.entity_id,
          changes: withoutPrivateNotes(a.changes) as Record<string, unknown> | null,
          requestId: a.request_id,
          at: a.at.toISOString(),
        })),
      };
      await this.audit.record(tx, ctx, 'export', 'client', client.id, { engagements: engagements.length, goals: goals.length, sessions: sessions.length, reviews: reviews.length });
      return doc;
    });
  }

  /**
   * Removes the client's personal data and content in one transaction: their account (with its
   * refresh tokens) and invitations are deleted, name and email become placeholders, every free text
   * about them is erased, and the audit log, outbox, webhook deliveries and others' notifications
   * about them keep only ids and figures; mail kept for or about them is deleted. Rows, statuses and
   * numbers stay, so the practice's counts do not change. Erasing again is harmless and not re-audited.
   */
  async erase(ctx: AuthContext, clientId: string): Promise<void> {
    ownerOnly(ctx);
    await this.db.run(ctx.practiceId, async (tx) => {
      const found = await this.clients.require(tx, ctx, clientId);
      const p = tx.practiceId;
      const client = await tx.em.createQueryBuilder(Client, 'c').setLock('pessimistic_write').where('c.practiceId = :p AND c.id = :id', { p, id: found.id }).getOneOrFail();
      const firstTime = client.email !== erasedEmail(client.id);
      const ids = ((await tx.em.query(RECORD_IDS_SQL, [p, client.id, true])) as { id: string }[]).map((r) => r.id);
      const [counts]: Row[] = await tx.em.query(COUNTS_SQL, [p, client.id]);

      // Before the account goes: its notifications (deleted with it) find the mail kept for them.
      const emails: { email: string }[] = await tx.em.query(`SELECT email FROM users WHERE practice_id = $1 AND id = ANY($2::uuid[])`, [p, ids]);
      await tx.em.query(DELETE_MAIL_SQL, [p, ids, [client.email, ...emails.map((u) => u.email)]]);
      // The client's portal account goes, with its refresh tokens (and anything else hanging off the user).
      const account = `role = 'client' AND (client_id = $2 OR id = (SELECT user_id FROM clients WHERE practice_id = $1 AND id = $2))`;
      await tx.em.query(`DELETE FROM refresh_tokens WHERE practice_id = $1 AND user_id IN (SELECT id FROM users WHERE practice_id = $1 AND ${account})`, [p, client.id]);
      const [, accounts] = (await tx.em.query(`DELETE FROM users WHERE practice_id = $1 AND ${account}`, [p, client.id])) as [unknown, number];
      await tx.em.update(Client, { practiceId: p, id: client.id }, { name: ERASED_NAME, email: erasedEmail(client.id), status: 'archived', userId: null });
      const [, invitations] = (await tx.em.query(`DELETE FROM invitations WHERE practice_id = $1 AND client_id = $2`, [p, client.id])) as [unknown, number];
      for (const sql of ERASE_SQL) await tx.em.query(sql, [p, client.id]);
      await tx.em.query(`UPDATE audit_events SET changes = NULL WHERE practice_id = $1 AND entity_id = ANY($2::uuid[]) AND changes IS NOT NULL AND action NOT IN ('erase', 'export')`, [p, ids]);
      await tx.em.query(SCRUB_DELIVERIES_SQL, [p, ids]);
      await tx.em.query(SCRUB_EVENTS_SQL, [p, ids]);
      await tx.em.query(CANCEL_NOTIFICATIONS_SQL, [p, ids]);
      await tx.em.query(SCRUB_NOTIFICATIONS_SQL, [p, ids]);

      if (firstTime) await this.audit.record(tx, ctx, 'erase', 'client', client.id, { ...counts, accountsDeleted: accounts, invitationsDeleted: invitations });
    });
    // Committed: the erased account's token is refused by this copy from the next request on, reads included.
    forgetCheckedUsers();
  }

  private accountOf(tx: TenantTx, client: Client): Promise<User | null> {
    const byClient = { practiceId: tx.practiceId, clientId: client.id };
    return tx.em.findOne(User, { where: client.userId ? [byClient, { practiceId: tx.practiceId, id: client.userId }] : [byClient] });
  }
}
