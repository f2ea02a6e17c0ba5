// How a client's portal access ends when the client is archived.
import { TenantTx } from '@app/database';

// The client's portal account(s): bound by the account's client id, or named by the client record.
const ACCOUNT = `practice_id = $1 AND role = 'client' AND (client_id = $2 OR id = (SELECT user_id FROM clients WHERE practice_id = $1 AND id = $2))`;

/**
 * Ends a client's portal access, in the caller's transaction: the account is deactivated (kept, so what
 * it wrote stays attributed), every refresh token of it is revoked, and the client record no longer names
 * it (portalAccess false). Access tokens already issued are refused from the next request on (see
 * ActingUserInterceptor). Restoring the client does not restore access: that takes a new invitation,
 * which re-activates the same account with the password chosen then.
 */
export async function endClientPortalAccess(tx: TenantTx, clientId: string): Promise<void> {
  const params = [tx.practiceId, clientId];
  await tx.em.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE practice_id = $1 AND revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE ${ACCOUNT})`, params);
  await tx.em.query(`UPDATE users SET deactivated_at = now(), updated_at = now() WHERE ${ACCOUNT} AND deactivated_at IS NULL`, params);
  await tx.em.query(`UPDATE clients SET user_id = NULL WHERE practice_id = $1 AND id = $2 AND user_id IS NOT NULL`, params);
}
