import { Injectable } from '@nestjs/common';
import { actorOf, AuthContext, decodeCursor, Page, PageQuery, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditEvent } from './audit-event.entity';
import { AUDIT_EVENT_INSERT_SQL } from './audit.queries';
import { AuditEventDto, AuditQuery } from './dto/audit-event.dto';

export type Changes = Record<string, unknown>;

/** Fields that never enter the audit log. */
const SECRET_FIELDS = new Set(['passwordHash', 'keyHash', 'tokenHash', 'privateNotes', 'password']);

/** What changed between two versions of a record: { field: { from, to } } for changed fields only. */
export function diff<T extends object>(before: T, after: Partial<T>): Changes {
  const out: Changes = {};
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined || SECRET_FIELDS.has(k)) continue;
    const prev = (before as Record<string, unknown>)[k];
    if (JSON.stringify(prev) !== JSON.stringify(v)) out[k] = { from: prev ?? null, to: v };
  }
  return out;
}

/** The fields of a created record, secrets left out. */
export function created(fields: object): Changes {
  return Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== undefined && !SECRET_FIELDS.has(k) && !(v instanceof Date && k.endsWith('At') && k !== 'expiresAt')));
}

@Injectable()
export class AuditService {
  constructor(private readonly db: TenantDb) {}

  /** Records one action inside the caller's transaction, so the log and the change commit together. */
  async record(tx: TenantTx, ctx: AuthContext | 'system', action: string, entityType: string, entityId: string, changes: Changes | null = null): Promise<void> {
    const actor = ctx === 'system' ? { actorType: 'system' as const, actorId: null } : actorOf(ctx);
    await tx.em.query(AUDIT_EVENT_INSERT_SQL, [
      newId(),
      tx.practiceId,
      actor.actorType,
      actor.actorId,
      action,
      entityType,
      entityId,
      changes && Object.keys(changes).length ? JSON.stringify(changes) : null,
      ctx === 'system' ? null : (ctx.requestId ?? null),
    ]);
  }

  async list(ctx: AuthContext, q: AuditQuery): Promise<Page<AuditEventDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, ['id']);
    return this.db.run(ctx.practiceId, async (tx) => {
      const qb = tx.em
        .createQueryBuilder(AuditEvent, 'a')
        .where('a.practiceId = :p', { p: tx.practiceId })
        .orderBy('a.id', 'DESC')
        .limit(limit + 1);
      if (q.entityType) qb.andWhere('a.entityType = :t', { t: q.entityType });
      if (q.entityId) qb.andWhere('a.entityId = :e', { e: q.entityId });
      if (q.actorId) qb.andWhere('a.actorId = :act', { act: q.actorId });
      if (after) qb.andWhere('a.id < :after', { after: after[0] });
      const rows = await qb.getMany();
      return toPage(rows, limit, toAuditDto, (r) => [r.id]);
    });
  }
}

const toAuditDto = (a: AuditEvent): AuditEventDto => ({
  id: a.id,
  actorType: a.actorType,
  actorId: a.actorId,
  action: a.action,
  entityType: a.entityType,
  entityId: a.entityId,
  changes: a.changes,
  requestId: a.requestId,
  at: a.at.toISOString(),
});
