import { Injectable } from '@nestjs/common';
import { AuthContext } from '@app/common';
import { TenantDb } from '@app/database';
import { ApiKey } from '../api-keys/api-key.entity';
import { hashSecret, practiceOfSecret } from './secrets';

/**
 * `Authorization: Bearer cpk_...`: an integration acting for its practice with the key's role. The key
 * is read on every request, so a deleted key stops working at once: one statement, app_authenticate_api_key,
 * which looks it up under the practice's row-level-security context and keeps its last use to the minute.
 */
@Injectable()
export class ApiKeyStrategy {
  constructor(private readonly db: TenantDb) {}

  async authenticate(token: string): Promise<AuthContext | null> {
    const practiceId = practiceOfSecret('cpk', token);
    if (!practiceId) return null;
    const [key] = await this.db.systemQuery<Pick<ApiKey, 'id' | 'role' | 'userId'>>(`SELECT id, role, user_id AS "userId" FROM app_authenticate_api_key($1, $2)`, [practiceId, hashSecret(token)]);
    if (!key) return null;
    return { practiceId, userId: key.userId, role: key.role, clientId: null, apiKeyId: key.id };
  }
}
