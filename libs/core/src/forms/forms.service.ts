import { Injectable } from '@nestjs/common';
import { AuthContext, Forbidden, InvalidInput, NotFound, Page, pageSize, toPage } from '@app/common';
import { newId, TenantDb } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import { CreateFormDto, FormDto, FormsQuery } from './dto/form.dto';
import { Form } from './form.entity';
import { builtIn, FormsRepository, ResolvedForm } from './forms.repository';
import { BUILT_IN_FORM_IDS, FormDefinition, FormQuestion, FormScoring, validateForm } from './scoring';

export const toFormDto = (f: ResolvedForm): FormDto => ({
  id: f.id,
  builtIn: f.builtIn,
  title: f.title,
  kind: f.kind,
  questions: f.questions,
  scoring: f.scoring,
  createdAt: f.createdAt?.toISOString() ?? null,
});

/** The definition as sent, without fields left out (undefined never reaches the jsonb). */
function definitionOf(dto: CreateFormDto): FormDefinition {
  const questions: FormQuestion[] = dto.questions.map((q) => ({
    id: q.id,
    type: q.type,
    label: q.label,
    ...(q.required !== undefined ? { required: q.required } : {}),
    ...(q.min !== undefined ? { min: q.min } : {}),
    ...(q.max !== undefined ? { max: q.max } : {}),
    ...(q.options !== undefined ? { options: q.options.map((o) => ({ value: o.value, label: o.label, ...(o.score !== undefined ? { score: o.score } : {}) })) } : {}),
  }));
  const scoring: FormScoring | null = dto.scoring
    ? {
        method: dto.scoring.method,
        ...(dto.scoring.bands ? { bands: dto.scoring.bands.map((b) => ({ min: b.min, max: b.max, label: b.label })) } : {}),
        ...(dto.scoring.alerts ? { alerts: dto.scoring.alerts.map((a) => ({ questionId: a.questionId, atOrAbove: a.atOrAbove, message: a.message })) } : {}),
      }
    : null;
  return { title: dto.title, kind: dto.kind, questions, scoring };
}

/** The list position a forms cursor holds (built-ins have no UUID to page by); a crafted one is a 400. */
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 1 || !Number.isInteger(v[0]) || v[0] < 0 || v[0] > 100_000) throw new InvalidInput('cursor is not valid.', [{ path: 'cursor', message: 'cursor is not valid' }]);
  return v[0] as number;
}

/** A practice's forms and the built-in instruments. */
@Injectable()
export class FormsService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: FormsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Saves a form only when it can be answered and scored as defined. */
  create(ctx: AuthContext, dto: CreateFormDto): Promise<FormDto> {
    if (ctx.role === 'client') throw new Forbidden();
    const def = definitionOf(dto);
    const errors = validateForm(def);
    if (errors.length) throw new InvalidInput('The form cannot be answered or scored as defined.', errors);
    return this.db.run(ctx.practiceId, async (tx) => {
      const id = newId();
      await tx.em.insert(Form, { id, practiceId: tx.practiceId, title: def.title, kind: def.kind, questions: def.questions, scoring: def.scoring, createdById: ctx.userId });
      await this.audit.record(tx, ctx, 'create', 'form', id, created({ title: def.title, kind: def.kind, questions: def.questions.length }));
      return toFormDto((await this.repo.resolve(tx, id))!);
    });
  }

  /** The built-ins first, then the practice's own forms in creation order; a client sees only forms assigned to them. */
  list(ctx: AuthContext, q: FormsQuery): Promise<Page<FormDto>> {
    const limit = pageSize(q);
    const start = offsetOf(q.cursor);
    return this.db.run(ctx.practiceId, async (tx) => {
      const assigned = ctx.role === 'client' ? await this.repo.assignedToClient(tx, ctx.clientId!) : null;
      const all = [...BUILT_IN_FORM_IDS.map(builtIn), ...(await this.repo.ownForms(tx, q.kind)).map((f) => ({ id: f.id, builtIn: false, createdAt: f.createdAt, title: f.title, kind: f.kind, questions: f.questions, scoring: f.scoring }))]
        .filter((f) => !q.kind || f.kind === q.kind)
        .filter((f) => !assigned || assigned.has(f.id));
      // The cursor is the position in this fixed order (built-ins, then own forms by id).
      const rows = all.slice(start, start + limit + 1).map((f, i) => ({ f, at: start + i + 1 }));
      return toPage(rows, limit, (r) => toFormDto(r.f), (r) => [r.at]);
    });
  }

  get(ctx: AuthContext, id: string): Promise<FormDto> {
    return this.db.run(ctx.practiceId, async (tx) => {
      const f = await this.repo.resolve(tx, id);
      if (!f) throw new NotFound('Form');
      if (ctx.role === 'client' && !(await this.repo.assignedToClient(tx, ctx.clientId!)).has(f.id)) throw new NotFound('Form');
      return toFormDto(f);
    });
  }
}
