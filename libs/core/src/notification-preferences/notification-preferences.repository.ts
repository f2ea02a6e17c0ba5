import { Injectable } from '@nestjs/common';
import { newId, TenantTx } from '@app/database';
import { NotificationPreference } from './notification-preference.entity';

/** Whose preferences: an account, or a client without one. */
export type PreferenceOwner = { userId: string; clientId?: undefined } | { clientId: string; userId?: undefined };

const ownerColumn = (o: PreferenceOwner) => (o.userId ? { column: 'user_id', id: o.userId } : { column: 'client_id', id: o.clientId! });

/** The preferences' SQL: one row per recipient, created when they first choose something. */
@Injectable()
export class NotificationPreferencesRepository {
  /** The recipient's row, or null (the defaults). */
  async find(tx: TenantTx, owner: PreferenceOwner): Promise<NotificationPreference | null> {
    return tx.em.findOneBy(NotificationPreference, owner.userId ? { practiceId: tx.practiceId, userId: owner.userId } : { practiceId: tx.practiceId, clientId: owner.clientId! });
  }

  /** Writes the whole of a recipient's choices (creating their row when they have none). */
  async save(tx: TenantTx, owner: PreferenceOwner, p: Pick<NotificationPreference, 'emailOff' | 'inAppOff' | 'digest' | 'digestTime'>): Promise<void> {
    const { column, id } = ownerColumn(owner);
    await tx.em.query(
      `INSERT INTO notification_preferences (id, practice_id, ${column}, email_off, in_app_off, digest, digest_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (practice_id, ${column}) WHERE ${column} IS NOT NULL
       DO UPDATE SET email_off = EXCLUDED.email_off, in_app_off = EXCLUDED.in_app_off, digest = EXCLUDED.digest, digest_time = EXCLUDED.digest_time, updated_at = now()`,
      [newId(), tx.practiceId, id, p.emailOff, p.inAppOff, p.digest, p.digestTime],
    );
  }

  /** Email of the kind stops for the recipient; true when it was on until now. */
  async turnEmailOff(tx: TenantTx, owner: PreferenceOwner, kind: string): Promise<boolean> {
    const { column, id } = ownerColumn(owner);
    const rows: { was_on: boolean }[] = await tx.em.query(
      `WITH before AS (SELECT NOT ($4::text = ANY (email_off)) AS was_on FROM notification_preferences WHERE practice_id = $2 AND ${column} = $3)
       INSERT INTO notification_preferences (id, practice_id, ${column}, email_off) VALUES ($1, $2, $3, ARRAY[$4::text])
       ON CONFLICT (practice_id, ${column}) WHERE ${column} IS NOT NULL
       DO UPDATE SET email_off = CASE WHEN $4 = ANY (notification_preferences.email_off) THEN notification_preferences.email_off
                                      ELSE notification_preferences.email_off || $4 END, updated_at = now()
       RETURNING coalesce((SELECT was_on FROM before), true) AS was_on`,
      [newId(), tx.practiceId, id, kind],
    );
    return rows[0]?.was_on ?? true;
  }

  /** A client took up an account: the client record's choices become the account's (unless it has its own). */
  async clientTookAccount(tx: TenantTx, clientId: string, userId: string): Promise<void> {
    await tx.em.query(
      `UPDATE notification_preferences SET user_id = $3, client_id = NULL, updated_at = now()
        WHERE practice_id = $1 AND client_id = $2
          AND NOT EXISTS (SELECT 1 FROM notification_preferences o WHERE o.practice_id = $1 AND o.user_id = $3)`,
      [tx.practiceId, clientId, userId],
    );
  }

  /** The client record a recipient token names, if it still exists (id, name, email, status). */
  async client(tx: TenantTx, clientId: string): Promise<{ id: string; email: string; status: string; user_id: string | null } | undefined> {
    const rows = await tx.em.query(`SELECT id, email, status, user_id FROM clients WHERE practice_id = $1 AND id = $2`, [tx.practiceId, clientId]);
    return rows[0];
  }

  async user(tx: TenantTx, userId: string): Promise<{ id: string; email: string } | undefined> {
    const rows = await tx.em.query(`SELECT id, email FROM users WHERE practice_id = $1 AND id = $2`, [tx.practiceId, userId]);
    return rows[0];
  }
}
