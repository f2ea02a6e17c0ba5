// Assignments of forms to an engagement's client, their prompts when due, and the scored responses.
import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, NotFound, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { MEASUREMENT_INSERT_SQL, MeasurementRow } from '../goals/goal.queries';
import { NotificationsService } from '../notifications/notifications.service';
import { OutboxService } from '../outbox/outbox.service';
import { scoreSeries } from './between-sessions';
import { afterQuietHours } from '../notifications/reminder-timing';
import { dueOccurrences, occurrenceAt, Recurrence } from './assignment-schedule';
import {
  AlertsQuery, AssessmentAlertDto, AssignmentDto, CreateAssignmentDto, CreateResponseDto, ResponseDto, ScoreSeriesDto,
} from './dto/form.dto';
import { FormAssignment } from './form-assignment.entity';
import { FormResponse } from './form-response.entity';
import { ClientClock, FormsRepository, ResolvedForm } from './forms.repository';
import { isScoredResult, scoreAnswers } from './scoring';

const OPEN_ENGAGEMENT = new Set(['planned', 'active', 'paused']);

const NO_RESPONSES = { count: 0, last: null };

const toAssignmentDto = (a: FormAssignment, formTitle: string, stats: { count: number; last: Date | null } = NO_RESPONSES): AssignmentDto => ({
  id: a.id,
  engagementId: a.engagementId,
  formId: a.formId,
  formTitle,
  recurrence: a.recurrence,
  dueAt: a.firstDueAt.toISOString(),
  until: a.until?.toISOString() ?? null,
  nextDueAt: a.stoppedAt ? null : (a.nextDueAt?.toISOString() ?? null),
  lastDueAt: a.lastDueAt?.toISOString() ?? null,
  metricId: a.metricId,
  stoppedAt: a.stoppedAt?.toISOString() ?? null,
  responseCount: stats.count,
  lastRespondedAt: stats.last?.toISOString() ?? null,
  createdAt: a.createdAt.toISOString(),
});

/** A response as the caller may see it: a client never sees alert texts, nor who acknowledged them. */
export const toResponseDto = (ctx: AuthContext | 'coach', r: FormResponse): ResponseDto => {
  const client = ctx !== 'coach' && ctx.role === 'client';
  return {
    id: r.id,
    assignmentId: r.assignmentId,
    engagementId: r.engagementId,
    formId: r.formId,
    submittedAt: r.submittedAt.toISOString(),
    answers: r.answers,
    score: r.score === null ? null : Number(r.score),
    band: r.band,
    alerts: client ? [] : r.alerts,
    acknowledgedAt: client ? null : (r.acknowledgedAt?.toISOString() ?? null),
  };
};

@Injectable()
export class AssignmentsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: FormsRepository,
    private readonly engagements: EngagementsRepository,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** Assigns a form; an occurrence already due prompts the client at once (in this transaction). */
  create(ctx: AuthContext, engagementId: string, dto: CreateAssignmentDto): Promise<AssignmentDto> {
    if (ctx.role === 'client') throw new Forbidden();
    const recurrence: Recurrence = dto.recurrence ?? 'none';
    const now = new Date();
    const first = dto.dueAt ? new Date(dto.dueAt) : now;
    const until = dto.until ? new Date(dto.until) : null;
    if (until && until.getTime() < first.getTime()) throw new InvalidInput('until must not be before dueAt.', [{ path: 'until', message: 'until must not be before the first occurrence (dueAt, or now)' }]);
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId);
      const form = await this.repo.resolve(tx, dto.formId);
      if (!form) throw new InvalidInput('formId names no form of the practice.', [{ path: 'formId', message: 'formId must be phq-9, gad-7, wheel-of-life or a form of the practice' }]);
      let metricId: string | null = null;
      if (dto.metricId) {
        const [m]: { id: string }[] = await tx.em.query(
          `SELECT m.id FROM metrics m JOIN goals g ON g.practice_id = m.practice_id AND g.id = m.goal_id WHERE m.practice_id = $1 AND m.id = $2 AND g.engagement_id = $3`,
          [tx.practiceId, dto.metricId.toLowerCase(), e.id],
        );
        if (!m) throw new InvalidInput('metricId names no metric of this engagement.', [{ path: 'metricId', message: 'metricId must name a metric of a goal of this engagement' }]);
        if (!form.scoring) throw new InvalidInput('The form has no score to record.', [{ path: 'metricId', message: 'a form without scoring cannot feed a metric' }]);
        metricId = m.id;
      }
      if (!OPEN_ENGAGEMENT.has(e.status)) throw new Conflict('engagement-closed', `The engagement is ${e.status}; forms are assigned to planned, active or paused engagements.`);
      const a = tx.em.create(FormAssignment, {
        id: newId(),
        practiceId: tx.practiceId,
        engagementId: e.id,
        formId: form.id,
        recurrence,
        firstDueAt: first,
        until,
        nextOccurrence: 0,
        nextDueAt: first,
        lastDueAt: null,
        metricId,
        assignedById: ctx.userId,
        stoppedAt: null,
      });
      await tx.em.insert(FormAssignment, a);
      await this.audit.record(tx, ctx, 'create', 'form_assignment', a.id, created({ engagementId: e.id, formId: form.id, recurrence, dueAt: first.toISOString(), until: until?.toISOString() ?? null, metricId }));
      await this.outbox.emit(tx, ctx, 'form.assigned', 'form_assignment', a.id, {
        assignmentId: a.id, engagementId: e.id, clientId: e.clientId, coachId: e.coachId, formId: form.id, formTitle: form.title, recurrence, dueAt: first.toISOString(), until: until?.toISOString() ?? null, metricId,
      });
      if (first.getTime() <= now.getTime()) await this.fireDue(tx, a, now, form);
      return toAssignmentDto(await tx.em.findOneByOrFail(FormAssignment, { practiceId: tx.practiceId, id: a.id }), form.title);
    });
  }

  list(ctx: AuthContext, engagementId: string, q: { limit?: number; cursor?: string }): Promise<Page<AssignmentDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      const rows = await this.repo.assignmentsPage(tx, engagementId, limit, after?.[0] ?? null);
      const forms = await this.repo.resolveMany(tx, rows.map((a) => a.formId));
      const stats = await this.repo.responseStats(tx, rows.map((a) => a.id));
      return toPage(rows, limit, (a) => toAssignmentDto(a, forms.get(a.formId)?.title ?? a.formId, stats.get(a.id)), (a) => [a.id]);
    });
  }

  get(ctx: AuthContext, id: string): Promise<AssignmentDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { assignment } = await this.repo.requireAssignment(tx, ctx, id);
      const stats = await this.repo.responseStats(tx, [assignment.id]);
      return toAssignmentDto(assignment, (await this.repo.resolve(tx, assignment.formId))?.title ?? assignment.formId, stats.get(assignment.id));
    });
  }

  /** Stops future prompts; the responses stay. Repeating it is harmless. */
  stop(ctx: AuthContext, id: string): Promise<void> {
    if (ctx.role === 'client') throw new Forbidden();
    return this.db.run(ctx.practiceId, async (tx) => {
      const { assignment } = await this.repo.requireAssignment(tx, ctx, id, true);
      if (assignment.stoppedAt) return;
      await tx.em.update(FormAssignment, { practiceId: tx.practiceId, id }, { stoppedAt: new Date() });
      // Prompts planned for a later moment (inside quiet hours) are not sent once stopped.
      await tx.em.query(`UPDATE notifications SET status = 'cancelled' WHERE practice_id = $1 AND subject_id = $2 AND kind = 'form_assigned' AND status = 'scheduled'`, [tx.practiceId, id]);
      await this.audit.record(tx, ctx, 'stop', 'form_assignment', id, { stoppedAt: { from: null, to: new Date().toISOString() } });
    });
  }

  /**
   * The schedule pass of one practice (the worker's FormAssignmentsJob, every minute): each assignment
   * whose next occurrence has come prompts its client once for the latest occurrence due, and moves on
   * to the next one. Returns how many assignments were prompted.
   */
  async practicePass(tx: TenantTx, now = new Date()): Promise<number> {
    const due = await this.repo.dueAssignments(tx, now);
    // The clients' clocks and the forms of the whole batch in two reads, not two per assignment.
    const [clocks, forms] = await Promise.all([this.repo.clientClocks(tx, due.map((a) => a.engagementId)), this.repo.resolveMany(tx, due.map((a) => a.formId))]);
    let prompted = 0;
    for (const a of due) if (await this.fireDue(tx, a, now, forms.get(a.formId), clocks.get(a.engagementId) ?? null)) prompted++;
    return prompted;
  }

  /**
   * Prompts the client (form_assigned, by email and in-app) for the latest occurrence that has come,
   * timed out of their quiet hours in their own zone, and stores the next occurrence. The prompt's key
   * names the occurrence's number, so one occurrence is prompted once however often this runs (two
   * passes, a daylight-saving change). True when an occurrence was due.
   */
  private async fireDue(tx: TenantTx, a: FormAssignment, now: Date, known?: ResolvedForm, knownClock?: ClientClock | null): Promise<boolean> {
    const clock = knownClock !== undefined ? knownClock : (await this.repo.clientClocks(tx, [a.engagementId])).get(a.engagementId);
    const zone = clock?.timezone ?? 'UTC';
    const { latest, next } = dueOccurrences(a.firstDueAt, a.nextOccurrence, a.recurrence, zone, a.until, now);
    const patch: Partial<FormAssignment> = { nextOccurrence: next?.n ?? (latest ?? a.nextOccurrence) + 1, nextDueAt: next?.at ?? null };
    if (latest !== null) {
      const dueAt = occurrenceAt(a.firstDueAt, latest, a.recurrence, zone);
      patch.lastDueAt = dueAt;
      if (clock?.user_id) {
        const form = known ?? (await this.repo.resolve(tx, a.formId));
        await this.notifications.prompt(tx, {
          kind: 'form_assigned',
          recipientUserId: clock.user_id,
          subjectType: 'form_assignment',
          subjectId: a.id,
          occurrence: `o${latest}`,
          data: { assignmentId: a.id, engagementId: a.engagementId, formId: a.formId, title: form?.title ?? a.formId, dueAt: dueAt.toISOString() },
          dueAt: afterQuietHours(new Date(Math.max(dueAt.getTime(), now.getTime())), zone, clock.quiet_hours),
        });
      }
    }
    await tx.em.update(FormAssignment, { practiceId: tx.practiceId, id: a.id }, patch);
    return latest !== null;
  }

  /**
   * The client answers: checked against the form (400 naming the answer otherwise, nothing written),
   * scored, banded; a metric assignment records the score as a measurement; met alert rules tell the
   * coach (assessment.alert, without the answers).
   */
  respond(ctx: AuthContext, assignmentId: string, dto: CreateResponseDto): Promise<ResponseDto> {
    if (ctx.role !== 'client') throw new Forbidden('Only the client of the engagement responds.');
    return this.db.run(ctx.practiceId, async (tx) => {
      const { assignment: a, engagement: e } = await this.repo.requireAssignment(tx, ctx, assignmentId);
      const form = await this.repo.resolve(tx, a.formId);
      if (!form) throw new NotFound('Form');
      const result = scoreAnswers(form, dto.answers);
      if (!isScoredResult(result)) throw new InvalidInput('The answers do not fit the form.', result.errors);
      if (a.stoppedAt) throw new Conflict('assignment-stopped', 'The assignment was stopped; it takes no more responses.');
      const submittedAt = new Date();
      const r = tx.em.create(FormResponse, {
        id: newId(),
        practiceId: tx.practiceId,
        assignmentId: a.id,
        engagementId: e.id,
        clientId: e.clientId,
        formId: form.id,
        submittedById: ctx.userId,
        submittedAt,
        answers: result.answers,
        score: result.score === null ? null : String(result.score),
        band: result.band,
        alerts: result.alerts,
        measurementId: null,
        acknowledgedAt: null,
        acknowledgedById: null,
      });
      if (a.metricId && result.score !== null) r.measurementId = await this.recordMeasurement(tx, ctx, a.metricId, result.score, submittedAt, form.title);
      await tx.em.insert(FormResponse, r);
      // No answers in the audit trail, the events or the webhooks: only what was scored.
      await this.audit.record(tx, ctx, 'submit', 'form_response', r.id, created({ assignmentId: a.id, formId: form.id, score: result.score, band: result.band, alerts: result.alerts.length }));
      const about = { responseId: r.id, assignmentId: a.id, engagementId: e.id, clientId: e.clientId, coachId: e.coachId, formId: form.id, formTitle: form.title, submittedAt: submittedAt.toISOString(), score: result.score, band: result.band };
      await this.outbox.emit(tx, ctx, 'form.response_submitted', 'form_response', r.id, { ...about, alerts: result.alerts.length });
      if (result.alerts.length) await this.outbox.emit(tx, ctx, 'assessment.alert', 'form_response', r.id, { ...about, alerts: result.alerts.map((x) => ({ questionId: x.questionId, message: x.message })) });
      return toResponseDto(ctx, r);
    });
  }

  /** An assignment's responses, oldest first. */
  responses(ctx: AuthContext, assignmentId: string, q: { limit?: number; cursor?: string }): Promise<Page<ResponseDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.repo.requireAssignment(tx, ctx, assignmentId);
      const rows = await this.repo.responsesPage(tx, assignmentId, limit, after ? { at: after[0], id: after[1] } : null);
      return toPage(rows, limit, (r) => toResponseDto(ctx, r), (r) => [r.submittedAt.toISOString(), r.id]);
    });
  }

  response(ctx: AuthContext, id: string): Promise<ResponseDto> {
    return this.db.run(ctx.practiceId, async (tx) => toResponseDto(ctx, (await this.repo.requireResponse(tx, ctx, id)).response));
  }

  /** The coach has seen the alerts of a response (audited); repeating it changes nothing. */
  acknowledge(ctx: AuthContext, id: string): Promise<ResponseDto> {
    if (ctx.role === 'client') throw new Forbidden();
    return this.db.run(ctx.practiceId, async (tx) => {
      const { response } = await this.repo.requireResponse(tx, ctx, id);
      if (!response.alerts.length) throw new Conflict('no-alerts', 'The response raised no alert.');
      if (!response.acknowledgedAt) {
        response.acknowledgedAt = new Date();
        response.acknowledgedById = ctx.userId;
        await tx.em.update(FormResponse, { practiceId: tx.practiceId, id }, { acknowledgedAt: response.acknowledgedAt, acknowledgedById: ctx.userId });
        await this.audit.record(tx, ctx, 'acknowledge', 'form_response', id, { acknowledgedAt: { from: null, to: response.acknowledgedAt.toISOString() } });
      }
      return toResponseDto(ctx, response);
    });
  }

  /** Responses with alerts, newest first: waiting for acknowledgement unless asked for the acknowledged ones. */
  alerts(ctx: AuthContext, q: AlertsQuery): Promise<Page<AssessmentAlertDto>> {
    if (ctx.role === 'client') throw new Forbidden();
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      if (q.engagementId) await this.engagements.require(tx, ctx, q.engagementId);
      const rows = await this.repo.alerts(tx, ctx, { engagementId: q.engagementId?.toLowerCase(), acknowledged: q.acknowledged === 'true' }, limit, after?.[0] ?? null);
      const forms = await this.repo.resolveMany(tx, rows.map((r) => r.form_id));
      return toPage(rows, limit, (r) => ({
        responseId: r.id,
        assignmentId: r.assignment_id,
        engagementId: r.engagement_id,
        clientId: r.client_id,
        clientName: r.client_name,
        formId: r.form_id,
        formTitle: forms.get(r.form_id)?.title ?? r.form_id,
        submittedAt: r.submitted_at.toISOString(),
        score: r.score === null ? null : Number(r.score),
        band: r.band,
        alerts: r.alerts,
        acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
        acknowledgedById: r.acknowledged_by_id,
      }), (r) => [r.id]);
    });
  }

  /** Each scored form's series of the engagement, oldest first, with its bands: the trend charts. */
  scores(ctx: AuthContext, engagementId: string): Promise<{ data: ScoreSeriesDto[] }> {
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      return { data: await scoreSeries(tx, engagementId) };
    });
  }

  /** The score as a measurement of the assignment's metric, as a measurement logged by the client is. */
  private async recordMeasurement(tx: TenantTx, ctx: AuthContext, metricId: string, score: number, at: Date, formTitle: string): Promise<string | null> {
    const [m]: { id: string; goal_id: string; engagement_id: string; client_id: string; unit: string }[] = await tx.em.query(
      `SELECT m.id, m.goal_id, g.engagement_id, e.client_id, m.unit FROM metrics m
         JOIN goals g ON g.practice_id = m.practice_id AND g.id = m.goal_id
         JOIN engagements e ON e.practice_id = g.practice_id AND e.id = g.engagement_id
        WHERE m.practice_id = $1 AND m.id = $2`,
      [tx.practiceId, metricId],
    );
    if (!m) return null; // the metric was deleted since: the response stands alone
    const [row]: MeasurementRow[] = await tx.em.query(MEASUREMENT_INSERT_SQL, [newId(), tx.practiceId, m.id, String(score), at, ctx.userId, formTitle.slice(0, 200)]);
    await this.audit.record(tx, ctx, 'create', 'measurement', row.id, created({ metricId: m.id, value: score, recordedAt: at.toISOString() }));
    await this.outbox.emit(tx, ctx, 'measurement.recorded', 'measurement', row.id, {
      measurementId: row.id, metricId: m.id, goalId: m.goal_id, engagementId: m.engagement_id, clientId: m.client_id, value: score, unit: m.unit, recordedAt: at.toISOString(),
    });
    return row.id;
  }
}
