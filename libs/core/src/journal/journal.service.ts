import { Injectable } from '@nestjs/common';
import { AuthContext, decodeCursor, Forbidden, InvalidInput, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb, TenantTx } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { EngagementsRepository } from '../engagements/engagements.repository';
import { clientSeesGoalSql } from '../goals/goal.queries';
import { CreateJournalEntryDto, JournalEntryDto, JournalQuery, UpdateJournalEntryDto } from './dto/journal.dto';
import { JournalEntry } from './journal-entry.entity';
import { JournalRepository } from './journal.repository';

export const toJournalEntryDto = (j: JournalEntry): JournalEntryDto => ({
  id: j.id,
  engagementId: j.engagementId,
  text: j.text,
  goalId: j.goalId,
  mood: j.mood,
  shared: j.shared,
  sharedAt: j.sharedAt?.toISOString() ?? null,
  createdAt: j.createdAt.toISOString(),
  updatedAt: j.updatedAt.toISOString(),
});

/**
 * The client's journal. Private unless shared, entry by entry; no entry ever travels in an event, a
 * webhook, a mail or the audit trail (which records only that sharing changed), so unsharing hides it
 * from the coach everywhere at once: every read by staff filters on `shared` as it runs.
 */
@Injectable()
export class JournalService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: JournalRepository,
    private readonly engagements: EngagementsRepository,
    private readonly audit: AuditService,
  ) {}

  create(ctx: AuthContext, engagementId: string, dto: CreateJournalEntryDto): Promise<JournalEntryDto> {
    if (ctx.role !== 'client') throw new Forbidden('Only the client writes their journal.');
    return this.db.run(ctx.practiceId, async (tx) => {
      const e = await this.engagements.require(tx, ctx, engagementId);
      const goalId = dto.goalId ? await this.goalOf(tx, e.id, dto.goalId) : null;
      const j = tx.em.create(JournalEntry, {
        id: newId(),
        practiceId: tx.practiceId,
        engagementId: e.id,
        clientId: e.clientId,
        text: dto.text,
        goalId,
        mood: dto.mood ?? null,
        shared: dto.shared,
        sharedAt: dto.shared ? new Date() : null,
      });
      await tx.em.insert(JournalEntry, j);
      await this.audit.record(tx, ctx, 'create', 'journal_entry', j.id, { shared: { from: null, to: dto.shared } });
      return toJournalEntryDto(await tx.em.findOneByOrFail(JournalEntry, { practiceId: tx.practiceId, id: j.id }));
    });
  }

  /** The client: all of theirs; a coach or owner: only shared entries. Newest first. */
  list(ctx: AuthContext, engagementId: string, q: JournalQuery): Promise<Page<JournalEntryDto>> {
    const limit = pageSize(q);
    const after = decodeCursor(q.cursor, 1);
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.engagements.require(tx, ctx, engagementId);
      return toPage(await this.repo.page(tx, ctx, engagementId, limit, after?.[0] ?? null), limit, toJournalEntryDto, (j) => [j.id]);
    });
  }

  get(ctx: AuthContext, id: string): Promise<JournalEntryDto> {
    return this.db.run(ctx.practiceId, async (tx) => toJournalEntryDto(await this.repo.require(tx, ctx, id)));
  }

  update(ctx: AuthContext, id: string, dto: UpdateJournalEntryDto): Promise<JournalEntryDto> {
    if (ctx.role !== 'client') throw new Forbidden('Only the client edits their journal.');
    return this.db.run(ctx.practiceId, async (tx) => {
      const j = await this.repo.require(tx, ctx, id, true);
      const patch: Partial<JournalEntry> = {};
      if (dto.text !== undefined) patch.text = dto.text;
      if (dto.mood !== undefined) patch.mood = dto.mood;
      if (dto.goalId !== undefined) patch.goalId = dto.goalId === null ? null : await this.goalOf(tx, j.engagementId, dto.goalId);
      if (dto.shared !== undefined && dto.shared !== j.shared) {
        patch.shared = dto.shared;
        patch.sharedAt = dto.shared ? new Date() : null;
      }
      if (Object.keys(patch).length) {
        await tx.em.update(JournalEntry, { practiceId: tx.practiceId, id }, patch);
        // Only the sharing is audited: the trail is read by owners, and an entry's words are the client's.
        if (patch.shared !== undefined) await this.audit.record(tx, ctx, patch.shared ? 'share' : 'unshare', 'journal_entry', id, { shared: { from: j.shared, to: patch.shared } });
      }
      return toJournalEntryDto(await tx.em.findOneByOrFail(JournalEntry, { practiceId: tx.practiceId, id }));
    });
  }

  remove(ctx: AuthContext, id: string): Promise<void> {
    if (ctx.role !== 'client') throw new Forbidden('Only the client deletes their journal entries.');
    return this.db.run(ctx.practiceId, async (tx) => {
      await this.repo.require(tx, ctx, id, true);
      await tx.em.delete(JournalEntry, { practiceId: tx.practiceId, id });
      await this.audit.record(tx, ctx, 'delete', 'journal_entry', id, null);
    });
  }

  /** A goal of the engagement the client can see, else 400 on goalId. */
  private async goalOf(tx: TenantTx, engagementId: string, goalId: string): Promise<string> {
    const [g]: { id: string }[] = await tx.em.query(`SELECT g.id FROM goals g WHERE g.practice_id = $1 AND g.id = $2 AND g.engagement_id = $3 AND ${clientSeesGoalSql('g')}`, [tx.practiceId, goalId.toLowerCase(), engagementId]);
    if (!g) throw new InvalidInput('goalId names no goal of this engagement.', [{ path: 'goalId', message: 'goalId must name a goal of this engagement' }]);
    return g.id;
  }
}
