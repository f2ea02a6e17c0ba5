// Milestones, metrics and measurements: the small steps and the numbers of a goal.
import { Injectable } from '@nestjs/common';
import { AuthContext, Conflict, decodeCursor, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService, created, diff } from '../audit/audit.service';
import { OutboxService } from '../outbox/outbox.service';
import { CreateMeasurementDto, CreateMetricDto, CreateMilestoneDto, MeasurementDto, MeasurementsQuery, MetricDto, MilestoneDto, UpdateMeasurementDto, UpdateMilestoneDto } from './dto/goal.dto';
import { Goal } from './goal.entity';
import { GoalsRepository } from './goals.repository';
import { Measurement } from './measurement.entity';
import { Metric } from './metric.entity';
import { Milestone } from './milestone.entity';
import { MEASUREMENT_INSERT_SQL, MeasurementRow, toMeasurementDto } from './goal.queries';
import { ProgressRepository } from './progress.repository';

const closed = (g: Goal) => g.status === 'achieved' || g.status === 'abandoned';

const toMilestone = (m: Milestone): MilestoneDto => ({
  id: m.id,
  goalId: m.goalId,
  title: m.title,
  dueOn: m.dueOn,
  done: m.done,
  doneAt: m.doneAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
});

const toMeasurement = (m: Measurement): MeasurementDto => ({
  id: m.id,
  metricId: m.metricId,
  value: Number(m.value),
  recordedAt: m.recordedAt.toISOString(),
  recordedById: m.recordedById,
  note: m.note,
  createdAt: m.createdAt.toISOString(),
});

/** A JSON number written back as its shortest decimal form: stored exactly in numeric. */
const decimal = (n: number) => String(n);

@Injectable()
export class MeasuresService {
  constructor(
    private readonly db: TenantDb,
    private readonly goals: GoalsRepository,
    private readonly progress: ProgressRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  addMilestone(ctx: AuthContext, goalId: string, dto: CreateMilestoneDto): Promise<MilestoneDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { goal } = await this.goals.require(tx, ctx, goalId);
      if (closed(goal)) throw new Conflict('goal-closed', `The goal is ${goal.status}.`);
      const m = tx.em.create(Milestone, { id: newId(), practiceId: tx.practiceId, goalId: goal.id, title: dto.title, dueOn: dto.dueOn ?? null, done: false, doneAt: null });
      await tx.em.insert(Milestone, m);
      await this.audit.record(tx, ctx, 'create', 'milestone', m.id, created({ goalId: goal.id, title: m.title, dueOn: m.dueOn }));
      return toMilestone(await tx.em.findOneByOrFail(Milestone, { practiceId: tx.practiceId, id: m.id }));
    });
  }

  /** The coach edits anything; the client may tick done, and nothing else. */
  updateMilestone(ctx: AuthContext, id: string, dto: UpdateMilestoneDto): Promise<MilestoneDto> {
    if (ctx.role === 'client' && (dto.title !== undefined || dto.dueOn !== undefined)) throw new Forbidden('A client may only mark a milestone done or not done.');
    return this.db.run(ctx.practiceId, async (tx) => {
      const { milestone } = await this.goals.requireMilestone(tx, ctx, id);
      const patch: Partial<Milestone> = { title: dto.title, dueOn: dto.dueOn };
      if (dto.done !== undefined && dto.done !== milestone.done) {
        patch.done = dto.done;
        patch.doneAt = dto.done ? new Date() : null;
      }
      const changes = diff(milestone, patch);
      if (Object.keys(changes).length) {
        await tx.em.update(Milestone, { practiceId: tx.practiceId, id }, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
        await this.audit.record(tx, ctx, patch.done === true ? 'complete' : 'update', 'milestone', id, changes);
        if (patch.done === true) await this.outbox.emit(tx, ctx, 'milestone.completed', 'milestone', id, { milestoneId: id, goalId: milestone.goalId, title: milestone.title });
      }
      return toMilestone(await tx.em.findOneByOrFail(Milestone, { practiceId: tx.practiceId, id }));
    });
  }

  removeMilestone(ctx: AuthContext, id: string): Promise<void> {
    if (ctx.role === 'client') throw new Forbidden();
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.goals.requireMilestone(tx, ctx, id);
      await tx.em.delete(Milestone, { practiceId: tx.practiceId, id });
      await this.audit.record(tx, ctx, 'delete', 'milestone', id, null);
    });
  }

  addMetric(ctx: AuthContext, goalId: string, dto: CreateMetricDto): Promise<MetricDto> {
    if (dto.baseline === dto.target) throw new InvalidInput('target must differ from baseline.', [{ path: 'target', message: 'target must differ from baseline' }]);
    return this.db.run(ctx.practiceId, async (tx) => {
      const { goal } = await this.goals.require(tx, ctx, goalId);
      if (closed(goal)) throw new Conflict('goal-closed', `The goal is ${goal.status}.`);
      const id = newId();
      await tx.em.insert(Metric, { id, practiceId: tx.practiceId, goalId: goal.id, name: dto.name, unit: dto.unit, baseline: decimal(dto.baseline), target: decimal(dto.target) });
      await this.audit.record(tx, ctx, 'create', 'metric', id, created({ goalId: goal.id, name: dto.name, unit: dto.unit, baseline: dto.baseline, target: dto.target }));
      return (await this.progress.metric(tx, id))!;
    });
  }

  record(ctx: AuthContext, metricId: string, dto: CreateMeasurementDto): Promise<MeasurementDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const metric = await this.goals.requireMetric(tx, ctx, metricId);
      const recordedAt = dto.recordedAt ? new Date(dto.recordedAt) : new Date();
      const [m]: MeasurementRow[] = await tx.em.query(MEASUREMENT_INSERT_SQL, [newId(), tx.practiceId, metric.id, decimal(dto.value), recordedAt, ctx.userId, dto.note ?? null]);
      await this.audit.record(tx, ctx, 'create', 'measurement', m.id, created({ metricId: metric.id, value: dto.value, recordedAt: recordedAt.toISOString() }));
      await this.outbox.emit(tx, ctx, 'measurement.recorded', 'measurement', m.id, {
        measurementId: m.id, metricId: metric.id, goalId: metric.goalId, engagementId: metric.engagementId, clientId: metric.clientId, value: dto.value, unit: metric.unit, recordedAt: recordedAt.toISOString(),
      });
      return toMeasurementDto(m);
    });
  }

  /** Corrects a wrong entry: the coach any of the metric's, a client only those they recorded themselves. */
  correct(ctx: AuthContext, id: string, dto: UpdateMeasurementDto): Promise<MeasurementDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { measurement } = await this.requireOwnEntry(tx, ctx, id);
      const patch: Partial<Measurement> = {
        value: dto.value === undefined ? undefined : decimal(dto.value),
        recordedAt: dto.recordedAt === undefined ? undefined : new Date(dto.recordedAt),
        note: dto.note,
      };
      const changes = diff(measurement, patch);
      if (Object.keys(changes).length) {
        await tx.em.update(Measurement, { practiceId: tx.practiceId, id }, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
        await this.audit.record(tx, ctx, 'update', 'measurement', id, changes);
      }
      return toMeasurement(await tx.em.findOneByOrFail(Measurement, { practiceId: tx.practiceId, id }));
    });
  }

  /** Deletes a wrong entry; who may is as for correct. */
  remove(ctx: AuthContext, id: string): Promise<void> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const { measurement } = await this.requireOwnEntry(tx, ctx, id);
      await tx.em.delete(Measurement, { practiceId: tx.practiceId, id });
      await this.audit.record(tx, ctx, 'delete', 'measurement', id, { value: { from: Number(measurement.value), to: null }, recordedAt: { from: measurement.recordedAt.toISOString(), to: null } });
    });
  }

  private async requireOwnEntry(tx: TenantTx, ctx: AuthContext, id: string) {
    const found = await this.goals.requireMeasurement(tx, ctx, id, true);
    if (ctx.role === 'client' && found.measurement.recordedById !== ctx.userId) throw new Forbidden('A client may only correct measurements they recorded.');
    return found;
  }

  /** A metric's series in time order. */
  measurements(ctx: AuthContext, metricId: string, q: MeasurementsQuery): Promise<Page<MeasurementDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['timestamp', 'id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.goals.requireMetric(tx, ctx, metricId);
      const qb = tx.em
        .createQueryBuilder(Measurement, 'm')
        .where('m.practiceId = :p AND m.metricId = :metric', { p: tx.practiceId, metric: metricId })
        .orderBy('m.recordedAt', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .limit(limit + 1);
      if (q.from) qb.andWhere('m.recordedAt >= :from', { from: new Date(q.from) });
      if (q.to) qb.andWhere('m.recordedAt <= :to', { to: new Date(q.to) });
      if (after) qb.andWhere('(m.recordedAt, m.id) > (:at, :id)', { at: after[0], id: after[1] });
      return toPage(await qb.getMany(), limit, toMeasurement, (m) => [m.recordedAt.toISOString(), m.id]);
    });
  }
}
