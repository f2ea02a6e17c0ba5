import { Injectable } from '@nestjs/common';
import { AuthContext } from '@app/common';
import { CrossPracticeDb } from '@app/database';
import { ApiKey } from '../api-keys/api-key.entity';
import { hashSecret, practiceOfSecret } from './secrets';

/**
 * `Authorization: Bearer cpk_...`: an integration acting for its practice with the key's role. The key
 * is read on every request, so a deleted key stops working at once: one statement (app_authenticate_api_key
 * through CrossPracticeDb), which looks it up under the practice's row-level-security context and keeps
 * its last use to the minute.
 */
@Injectable()
export class ApiKeyStrategy {
  constructor(private readonly crossPractice: CrossPracticeDb) {}

  async authenticate(token: string): Promise<AuthContext | null> {
    const practiceId = practiceOfSecret('cpk', token);
    if (!practiceId) return null;
    const key = await this.crossPractice.authenticateApiKey<ApiKey['role']>(practiceId, hashSecret(token));
    if (!key) return null;
    return { practiceId, userId: key.userId, role: key.role, clientId: null, apiKeyId: key.id };
  }
}
