// What other features show of forms: score series for reviews and charts, the latest check-in for agendas.
// Plain functions over the caller's transaction, so sessions and reviews need no dependency on this module.
import type { TenantTx } from '@app/database';
import type { ScoreSeriesDto } from './dto/form.dto';
import { FormsRepository } from './forms.repository';

const forms = new FormsRepository();

/** Each scored form's series of an engagement's responses within [from, to) (either open), oldest first, with its bands. */
export async function scoreSeries(tx: TenantTx, engagementId: string, from: Date | null = null, to: Date | null = null): Promise<ScoreSeriesDto[]> {
  const rows = await forms.scoredResponses(tx, engagementId, from, to);
  const byId = await forms.resolveMany(tx, rows.map((r) => r.form_id));
  const series = new Map<string, ScoreSeriesDto>();
  for (const r of rows) {
    const f = byId.get(r.form_id);
    if (!f?.scoring) continue;
    let s = series.get(f.id);
    if (!s) series.set(f.id, (s = { formId: f.id, formTitle: f.title, kind: f.kind, method: f.scoring.method, bands: f.scoring.bands ?? [], points: [] }));
    s.points.push({ responseId: r.id, submittedAt: r.submitted_at.toISOString(), score: Number(r.score), band: r.band });
  }
  return [...series.values()];
}

export interface LatestCheckin {
  responseId: string;
  formId: string;
  formTitle: string;
  submittedAt: string;
  score: number | null;
  band: string | null;
}

/** The engagement's latest response to a check-in form (the practice's forms of kind checkin), or null. */
export async function latestCheckin(tx: TenantTx, engagementId: string): Promise<LatestCheckin | null> {
  const [r]: { id: string; form_id: string; title: string; submitted_at: Date; score: string | null; band: string | null }[] = await tx.em.query(
    `SELECT r.id, r.form_id, f.title, r.submitted_at, r.score::text AS score, r.band
       FROM form_responses r JOIN forms f ON f.practice_id = r.practice_id AND f.id::text = r.form_id
      WHERE r.practice_id = $1 AND r.engagement_id = $2 AND f.kind = 'checkin'
      ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1`,
    [tx.practiceId, engagementId],
  );
  return r ? { responseId: r.id, formId: r.form_id, formTitle: r.title, submittedAt: r.submitted_at.toISOString(), score: r.score === null ? null : Number(r.score), band: r.band } : null;
}
