import { Injectable } from '@nestjs/common';
import { TenantTx } from '@app/database';
import { MAX_SESSION_HOURS } from '../sessions/session.queries';
import { AVAILABILITY_SQL, BUSY_SQL, COACH_SQL } from './availability.queries';
import { AvailabilityRules, Interval } from './slots';

export interface CoachRow {
  id: string;
  role: string;
  timezone: string;
}

@Injectable()
export class AvailabilityRepository {
  /** The coach's availability, or null when they have not set one. */
  async find(tx: TenantTx, userId: string): Promise<AvailabilityRules | null> {
    const [row]: AvailabilityRules[] = await tx.em.query(AVAILABILITY_SQL, [tx.practiceId, userId]);
    return row ?? null;
  }

  /** Replaces the coach's availability (creating it the first time). */
  async save(tx: TenantTx, id: string, userId: string, rules: AvailabilityRules): Promise<void> {
    await tx.em.query(
      `INSERT INTO availabilities (id, practice_id, user_id, timezone, weekly, overrides, buffer_minutes, min_notice_minutes, horizon_days)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)
       ON CONFLICT (practice_id, user_id) DO UPDATE SET timezone = EXCLUDED.timezone, weekly = EXCLUDED.weekly, overrides = EXCLUDED.overrides,
         buffer_minutes = EXCLUDED.buffer_minutes, min_notice_minutes = EXCLUDED.min_notice_minutes, horizon_days = EXCLUDED.horizon_days, updated_at = now()`,
      [id, tx.practiceId, userId, rules.timezone, JSON.stringify(rules.weekly), JSON.stringify(rules.overrides), rules.bufferMinutes, rules.minNoticeMinutes, rules.horizonDays],
    );
  }

  /** A user of the practice who can coach (a coach or an owner), or null. */
  async coach(tx: TenantTx, userId: string): Promise<CoachRow | null> {
    const [row]: CoachRow[] = await tx.em.query(COACH_SQL, [tx.practiceId, userId]);
    return row ?? null;
  }

  /** Whether the client is coached by the coach: their primary coach, or the coach of one of their engagements. */
  async coaches(tx: TenantTx, coachId: string, clientId: string): Promise<boolean> {
    const [row]: { yes: boolean }[] = await tx.em.query(
      `SELECT EXISTS (SELECT 1 FROM clients c WHERE c.practice_id = $1 AND c.id = $3 AND c.coach_id = $2)
           OR EXISTS (SELECT 1 FROM engagements e WHERE e.practice_id = $1 AND e.client_id = $3 AND e.coach_id = $2) AS yes`,
      [tx.practiceId, coachId, clientId],
    );
    return row.yes;
  }

  /** The coach's scheduled sessions overlapping [from, to): one range read (BUSY_SQL). */
  async busy(tx: TenantTx, coachId: string, from: Date, to: Date): Promise<Interval[]> {
    return tx.em.query(BUSY_SQL, [tx.practiceId, coachId, from, to, MAX_SESSION_HOURS]);
  }

  /**
   * Holds the coach's booking lock until the transaction ends: a booking's check and insert are one step,
   * so two clients racing for one slot cannot both see it free.
   */
  async lockCoach(tx: TenantTx, coachId: string): Promise<void> {
    await tx.em.query(`SELECT pg_advisory_xact_lock(hashtext('booking'), hashtext($1))`, [coachId]);
  }
}
