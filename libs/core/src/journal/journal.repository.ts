import { Injectable } from '@nestjs/common';
import { AuthContext, NotFound } from '@app/common';
import { TenantTx } from '@app/database';
import { JournalEntry } from './journal-entry.entity';

/** The one rule of who reads an entry: its client always; a coach or owner only while it is shared (and they may see the engagement). */
export const JOURNAL_VISIBLE_TO_STAFF_SQL = (alias: string) => `${alias}.shared`;

@Injectable()
export class JournalRepository {
  /**
   * An entry the caller may read, else 404: the client whose entry it is; a coach of the engagement or
   * an owner only while it is shared. `own`: only its client (edits).
   */
  async require(tx: TenantTx, ctx: AuthContext, id: string, own = false): Promise<JournalEntry> {
    const rows: (JournalEntry & { coach_id: string })[] = await tx.em.query(
      `SELECT j.id, e.coach_id FROM journal_entries j JOIN engagements e ON e.practice_id = j.practice_id AND e.id = j.engagement_id
        WHERE j.practice_id = $1 AND j.id = $2 AND (
          ($3::text = 'client' AND j.client_id = $4::uuid)
          OR (NOT $5 AND $3::text = 'owner' AND ${JOURNAL_VISIBLE_TO_STAFF_SQL('j')})
          OR (NOT $5 AND $3::text = 'coach' AND e.coach_id = $6::uuid AND ${JOURNAL_VISIBLE_TO_STAFF_SQL('j')}))`,
      [tx.practiceId, id, ctx.role, ctx.clientId, own, ctx.userId],
    );
    if (!rows.length) throw new NotFound('Journal entry');
    return tx.em.findOneByOrFail(JournalEntry, { practiceId: tx.practiceId, id });
  }

  /** Newest first; staff see only shared entries. */
  page(tx: TenantTx, ctx: AuthContext, engagementId: string, limit: number, beforeId: string | null): Promise<JournalEntry[]> {
    const qb = tx.em
      .createQueryBuilder(JournalEntry, 'j')
      .where('j.practiceId = :p AND j.engagementId = :e', { p: tx.practiceId, e: engagementId })
      .orderBy('j.id', 'DESC')
      .limit(limit + 1);
    if (ctx.role === 'client') qb.andWhere('j.clientId = :c', { c: ctx.clientId });
    else qb.andWhere(JOURNAL_VISIBLE_TO_STAFF_SQL('j'));
    if (beforeId) qb.andWhere('j.id < :before', { before: beforeId });
    return qb.getMany();
  }
}

/** Shared entries of an engagement written since an instant (agendas: since the last session), newest first; a plain function for other features. */
export function sharedJournalSince(tx: TenantTx, engagementId: string, since: Date | null, limit = 20): Promise<JournalEntry[]> {
  const qb = tx.em
    .createQueryBuilder(JournalEntry, 'j')
    .where('j.practiceId = :p AND j.engagementId = :e', { p: tx.practiceId, e: engagementId })
    .andWhere(JOURNAL_VISIBLE_TO_STAFF_SQL('j'))
    .orderBy('j.id', 'DESC')
    .limit(limit);
  if (since) qb.andWhere('j.createdAt >= :since', { since });
  return qb.getMany();
}
