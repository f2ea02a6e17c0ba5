// The calendar's SQL and the session's response shape, free of the framework: the repository runs these,
// and so does the raw benchmark baseline (bench/baseline-server.mjs), so both answer the same query the same way.
import type { AuthContext } from '@app/common';
import type { SessionDto } from './dto/session.dto';
import type { Session } from './session.entity';

/** A session as a plain row: the entity's fields, no relations. */
export type SessionRow = Pick<
  Session,
  | 'id' | 'practiceId' | 'engagementId' | 'coachId' | 'clientId' | 'startsAt' | 'durationMinutes' | 'endsAt' | 'location' | 'videoUrl' | 'status'
  | 'sharedSummary' | 'privateNotes' | 'sequence' | 'cancelReason' | 'completedAt' | 'cancelledAt' | 'createdAt' | 'updatedAt'
  | 'bookedBy' | 'lateCancellation'
>;

/** The columns of a SessionRow, from `sessions s`. */
export const SESSION_COLUMNS = `s.id, s.practice_id AS "practiceId", s.engagement_id AS "engagementId", s.coach_id AS "coachId", s.client_id AS "clientId",
  s.starts_at AS "startsAt", s.duration_minutes AS "durationMinutes", s.ends_at AS "endsAt", s.location, s.video_url AS "videoUrl", s.status,
  s.shared_summary AS "sharedSummary", s.private_notes AS "privateNotes", s.sequence, s.cancel_reason AS "cancelReason",
  s.completed_at AS "completedAt", s.cancelled_at AS "cancelledAt", s.created_at AS "createdAt", s.updated_at AS "updatedAt",
  s.booked_by AS "bookedBy", s.late_cancellation AS "lateCancellation"`;

export type NewSession = Pick<SessionRow, 'id' | 'practiceId' | 'engagementId' | 'coachId' | 'clientId' | 'startsAt' | 'durationMinutes' | 'endsAt' | 'location' | 'videoUrl' | 'bookedBy'>;

/** Books a scheduled session ($1 id … $11 bookedBy, in NewSession's order) and answers it as a SessionRow. */
export const SESSION_INSERT_SQL = `
  INSERT INTO sessions AS s (id, practice_id, engagement_id, coach_id, client_id, starts_at, duration_minutes, ends_at, location, video_url, booked_by, status, sequence)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'scheduled', 0)
  RETURNING ${SESSION_COLUMNS}`;

export const sessionInsertValues = (s: NewSession): unknown[] => [s.id, s.practiceId, s.engagementId, s.coachId, s.clientId, s.startsAt, s.durationMinutes, s.endsAt, s.location, s.videoUrl, s.bookedBy];

/** The longest a session may last (the DTOs' limit, and the sessions_span_check constraint's). */
export const MAX_SESSION_HOURS = 8;

export interface CalendarFilter {
  from?: Date;
  to?: Date;
  coachId?: string;
  clientId?: string;
  engagementId?: string;
  status?: string;
  /** Keyset cursor: (startsAt, id) of the last row of the previous page. */
  after?: [Date, string] | null;
}

/**
 * Sessions the caller may see (owners all, a coach theirs, a client their own) overlapping [from, to),
 * ordered by startsAt then id, limit + 1 rows (the extra one says there is more).
 */
export function calendarQuery(ctx: Pick<AuthContext, 'practiceId' | 'role' | 'userId' | 'clientId'>, f: CalendarFilter, limit: number): { text: string; values: unknown[] } {
  const values: unknown[] = [ctx.practiceId];
  const where = ['s.practice_id = $1'];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (ctx.role === 'coach') where.push(`s.coach_id = ${param(ctx.userId)}`);
  if (ctx.role === 'client') where.push(`s.client_id = ${param(ctx.clientId)}`);
  if (f.from) {
    const from = param(f.from);
    // A session ends at most MAX_SESSION_HOURS after it starts: bounds the index range on starts_at
    // from below too, so a long history before `from` is not read.
    where.push(`s.ends_at > ${from}`, `s.starts_at > ${from}::timestamptz - interval '${MAX_SESSION_HOURS} hours'`);
  }
  if (f.to) where.push(`s.starts_at < ${param(f.to)}`);
  if (f.coachId) where.push(`s.coach_id = ${param(f.coachId)}`);
  if (f.clientId) where.push(`s.client_id = ${param(f.clientId)}`);
  if (f.engagementId) where.push(`s.engagement_id = ${param(f.engagementId)}`);
  if (f.status) where.push(`s.status = ${param(f.status)}`);
  if (f.after) where.push(`(s.starts_at, s.id) > (${param(f.after[0])}, ${param(f.after[1])})`);
  return { text: `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where.join(' AND ')} ORDER BY s.starts_at, s.id LIMIT ${Math.trunc(limit) + 1}`, values };
}

/** The session as its caller may see it: a client never receives privateNotes, not even the key. */
export function toSessionDto(ctx: Pick<AuthContext, 'role'>, s: SessionRow): SessionDto {
  const dto: SessionDto = {
    id: s.id,
    engagementId: s.engagementId,
    coachId: s.coachId,
    clientId: s.clientId,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    durationMinutes: s.durationMinutes,
    location: s.location,
    videoUrl: s.videoUrl,
    status: s.status,
    sequence: s.sequence,
    sharedSummary: s.sharedSummary,
    cancelReason: s.cancelReason,
    bookedBy: s.bookedBy,
    lateCancellation: s.lateCancellation,
    cancelledAt: s.cancelledAt?.toISOString() ?? null,
    completedAt: s.completedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
  if (ctx.role !== 'client') dto.privateNotes = s.privateNotes;
  return dto;
}
