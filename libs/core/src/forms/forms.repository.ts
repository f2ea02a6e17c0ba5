import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { AuthContext, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { canSeeEngagement } from '../engagements/engagements.repository';
import type { QuietHours } from '../notifications/reminder-timing';
import { FormAssignment } from './form-assignment.entity';
import { FormResponse } from './form-response.entity';
import { Form } from './form.entity';
import { BUILT_IN_FORMS, FormDefinition, isBuiltInFormId } from './scoring';

export interface ResolvedForm extends FormDefinition {
  id: string;
  builtIn: boolean;
  createdAt: Date | null;
}

export interface AssignmentAccess {
  assignment: FormAssignment;
  engagement: { id: string; coachId: string; clientId: string; title: string };
}

/** Who the client is, for prompts: their account (if any) with its zone and quiet hours, else the client record's zone. */
export interface ClientClock {
  client_id: string;
  client_name: string;
  user_id: string | null;
  timezone: string;
  quiet_hours: QuietHours | null;
}

export interface AlertRow {
  id: string;
  assignment_id: string;
  engagement_id: string;
  client_id: string;
  client_name: string;
  form_id: string;
  submitted_at: Date;
  score: string | null;
  band: string | null;
  alerts: { questionId: string; message: string }[];
  acknowledged_at: Date | null;
  acknowledged_by_id: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The built-ins as forms: every practice has them, read-only. */
export const builtIn = (id: keyof typeof BUILT_IN_FORMS): ResolvedForm => ({ id, builtIn: true, createdAt: null, ...BUILT_IN_FORMS[id] });

const fromRow = (f: Form): ResolvedForm => ({ id: f.id, builtIn: false, createdAt: f.createdAt, title: f.title, kind: f.kind, questions: f.questions, scoring: f.scoring });

@Injectable()
export class FormsRepository {
  /** A built-in by name, or the practice's form by id; null when neither. No access check. */
  async resolve(tx: TenantTx, formId: string): Promise<ResolvedForm | null> {
    if (isBuiltInFormId(formId)) return builtIn(formId);
    if (!UUID.test(formId)) return null;
    const f = await tx.em.findOneBy(Form, { practiceId: tx.practiceId, id: formId.toLowerCase() });
    return f ? fromRow(f) : null;
  }

  /** Resolves many at once (a list of assignments or responses names the same few forms). */
  async resolveMany(tx: TenantTx, ids: string[]): Promise<Map<string, ResolvedForm>> {
    const out = new Map<string, ResolvedForm>();
    const own: string[] = [];
    for (const id of new Set(ids)) {
      if (isBuiltInFormId(id)) out.set(id, builtIn(id));
      else if (UUID.test(id)) own.push(id);
    }
    // The practice's own forms in one read.
    if (own.length) {
      const rows = await tx.em.findBy(Form, { practiceId: tx.practiceId, id: In(own.map((id) => id.toLowerCase())) });
      const byId = new Map(rows.map((f) => [f.id, fromRow(f)]));
      for (const id of own) {
        const f = byId.get(id.toLowerCase());
        if (f) out.set(id, f);
      }
    }
    return out;
  }

  /** The practice's own forms in creation order (ids are time-ordered). */
  ownForms(tx: TenantTx, kind: string | undefined): Promise<Form[]> {
    return tx.em.find(Form, { where: { practiceId: tx.practiceId, ...(kind ? { kind: kind as Form['kind'] } : {}) }, order: { id: 'ASC' } });
  }

  /** The form ids assigned to a client (stopped assignments included: their responses stay readable). */
  async assignedToClient(tx: TenantTx, clientId: string): Promise<Set<string>> {
    const rows: { form_id: string }[] = await tx.em.query(
      `SELECT DISTINCT a.form_id FROM form_assignments a JOIN engagements e ON e.practice_id = a.practice_id AND e.id = a.engagement_id
        WHERE a.practice_id = $1 AND e.client_id = $2`,
      [tx.practiceId, clientId],
    );
    return new Set(rows.map((r) => r.form_id));
  }

  /** Loads an assignment with its engagement when the caller may see the engagement, else 404. */
  async requireAssignment(tx: TenantTx, ctx: AuthContext, id: string, lock = false): Promise<AssignmentAccess> {
    const qb = tx.em.createQueryBuilder(FormAssignment, 'a').where('a.practiceId = :p AND a.id = :id', { p: tx.practiceId, id });
    if (lock) qb.setLock('pessimistic_write');
    const assignment = await qb.getOne();
    const [engagement]: AssignmentAccess['engagement'][] = assignment
      ? await tx.em.query(`SELECT id, coach_id AS "coachId", client_id AS "clientId", title FROM engagements WHERE practice_id = $1 AND id = $2`, [tx.practiceId, assignment.engagementId])
      : [];
    if (!assignment || !engagement || !canSeeEngagement(ctx, engagement)) throw new NotFound('Assignment');
    return { assignment, engagement };
  }

  /** Loads a response when the caller may see its engagement, else 404. */
  async requireResponse(tx: TenantTx, ctx: AuthContext, id: string): Promise<{ response: FormResponse; engagement: AssignmentAccess['engagement'] }> {
    const response = await tx.em.findOneBy(FormResponse, { practiceId: tx.practiceId, id });
    const [engagement]: AssignmentAccess['engagement'][] = response
      ? await tx.em.query(`SELECT id, coach_id AS "coachId", client_id AS "clientId", title FROM engagements WHERE practice_id = $1 AND id = $2`, [tx.practiceId, response.engagementId])
      : [];
    if (!response || !engagement || !canSeeEngagement(ctx, engagement)) throw new NotFound('Response');
    return { response, engagement };
  }

  assignmentsPage(tx: TenantTx, engagementId: string, limit: number, afterId: string | null): Promise<FormAssignment[]> {
    const qb = tx.em
      .createQueryBuilder(FormAssignment, 'a')
      .where('a.practiceId = :p AND a.engagementId = :e', { p: tx.practiceId, e: engagementId })
      .orderBy('a.id', 'ASC')
      .limit(limit + 1);
    if (afterId) qb.andWhere('a.id > :after', { after: afterId });
    return qb.getMany();
  }

  /** How often each assignment was answered, and when last. */
  async responseStats(tx: TenantTx, assignmentIds: string[]): Promise<Map<string, { count: number; last: Date | null }>> {
    if (!assignmentIds.length) return new Map();
    const rows: { assignment_id: string; n: number; last: Date }[] = await tx.em.query(
      `SELECT assignment_id, count(*)::int AS n, max(submitted_at) AS last FROM form_responses WHERE practice_id = $1 AND assignment_id = ANY($2::uuid[]) GROUP BY assignment_id`,
      [tx.practiceId, assignmentIds],
    );
    return new Map(rows.map((r) => [r.assignment_id, { count: r.n, last: r.last }]));
  }

  /** Chronological: by submittedAt, then id. */
  responsesPage(tx: TenantTx, assignmentId: string, limit: number, after: { at: Date; id: string } | null): Promise<FormResponse[]> {
    const qb = tx.em
      .createQueryBuilder(FormResponse, 'r')
      .where('r.practiceId = :p AND r.assignmentId = :a', { p: tx.practiceId, a: assignmentId })
      .orderBy('r.submittedAt', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit + 1);
    if (after) qb.andWhere('(r.submittedAt, r.id) > (:at, :id)', { at: after.at, id: after.id });
    return qb.getMany();
  }

  /** The engagement's scored responses, oldest first: the trend of each form. */
  scoredResponses(tx: TenantTx, engagementId: string, from: Date | null = null, to: Date | null = null): Promise<{ id: string; form_id: string; submitted_at: Date; score: string; band: string | null }[]> {
    return tx.em.query(
      `SELECT id, form_id, submitted_at, score::text AS score, band FROM form_responses
        WHERE practice_id = $1 AND engagement_id = $2 AND score IS NOT NULL
          AND ($3::timestamptz IS NULL OR submitted_at >= $3) AND ($4::timestamptz IS NULL OR submitted_at < $4)
        ORDER BY submitted_at, id`,
      [tx.practiceId, engagementId, from, to],
    );
  }

  /** The client behind an engagement, with the zone and quiet hours prompts are timed in. */
  /** Each engagement's client clock (zone, quiet hours, account), in one read. */
  async clientClocks(tx: TenantTx, engagementIds: string[]): Promise<Map<string, ClientClock>> {
    if (!engagementIds.length) return new Map();
    const rows: (ClientClock & { engagement_id: string })[] = await tx.em.query(
      `SELECT e.id AS engagement_id, c.id AS client_id, c.name AS client_name, u.id AS user_id, coalesce(u.timezone, c.timezone, p.timezone) AS timezone, u.quiet_hours
         FROM engagements e JOIN clients c ON c.practice_id = e.practice_id AND c.id = e.client_id
         JOIN practices p ON p.id = e.practice_id
         LEFT JOIN users u ON u.practice_id = c.practice_id AND u.id = c.user_id
        WHERE e.practice_id = $1 AND e.id = ANY($2::uuid[])`,
      [tx.practiceId, [...new Set(engagementIds)]],
    );
    return new Map(rows.map((r) => [r.engagement_id, r]));
  }

  /** Assignments whose next occurrence has come by `now`, locked (a second pass skips them). */
  dueAssignments(tx: TenantTx, now: Date): Promise<FormAssignment[]> {
    return tx.em
      .createQueryBuilder(FormAssignment, 'a')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('a.practiceId = :p AND a.stoppedAt IS NULL AND a.nextDueAt IS NOT NULL AND a.nextDueAt <= :now', { p: tx.practiceId, now })
      .orderBy('a.nextDueAt', 'ASC')
      .limit(500)
      .getMany();
  }

  /** Responses with alerts, for the coach's banner: a coach sees their engagements', an owner all. */
  alerts(tx: TenantTx, ctx: AuthContext, q: { engagementId?: string; acknowledged: boolean }, limit: number, afterId: string | null): Promise<AlertRow[]> {
    return tx.em.query(
      `SELECT r.id, r.assignment_id, r.engagement_id, r.client_id, c.name AS client_name, r.form_id, r.submitted_at, r.score::text AS score, r.band, r.alerts,
              r.acknowledged_at, r.acknowledged_by_id
         FROM form_responses r
         JOIN engagements e ON e.practice_id = r.practice_id AND e.id = r.engagement_id
         JOIN clients c ON c.practice_id = r.practice_id AND c.id = r.client_id
        WHERE r.practice_id = $1 AND r.alerts <> '[]'::jsonb
          AND ($2::text <> 'coach' OR e.coach_id = $7::uuid) AND ($3::uuid IS NULL OR r.engagement_id = $3)
          AND (r.acknowledged_at IS NOT NULL) = $4 AND ($5::uuid IS NULL OR r.id < $5)
        ORDER BY r.id DESC LIMIT $6`,
      // A coach (a coach's API key without a user sees none, as with engagements) sees their engagements' alerts only.
      [tx.practiceId, ctx.role, q.engagementId ?? null, q.acknowledged, afterId, limit + 1, ctx.userId],
    );
  }
}
