import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { AuthContext, Conflict, Forbidden, Unauthenticated } from '@app/common';
import { CrossPracticeDb, newId, TenantDb } from '@app/database';
import { AuditService, created } from '../audit/audit.service';
import { Practice } from '../practices/practice.entity';
import { toPracticeDto } from '../practices/practice.mapper';
import { User } from '../users/user.entity';
import { toUserDto } from '../users/user.mapper';
import { LoginDto, SessionDto, SignupDto, SignupResultDto, TokenPairDto } from './dto/auth.dto';
import { RateLimitsService } from './rate-limits.service';
import { dummyPasswordHash, hashPassword, practiceOfSecret, verifyPassword } from './secrets';
import { invalidCredentials, TokensService } from './tokens.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly db: TenantDb,
    private readonly crossPractice: CrossPracticeDb,
    private readonly tokens: TokensService,
    private readonly limits: RateLimitsService,
    private readonly audit: AuditService,
  ) {}

  /** Creates a practice and its owner, and signs the owner in. */
  async signup(dto: SignupDto): Promise<SignupResultDto> {
    const practiceId = newId();
    const passwordHash = await hashPassword(dto.password);
    if (await this.crossPractice.practiceIdBySlug(dto.practiceSlug)) throw new Conflict('slug-taken', 'That practice slug is taken.', [{ path: 'practiceSlug', message: 'practiceSlug is taken' }]);
    return this.db.run(practiceId, async (tx) => {
      const practice = tx.em.create(Practice, { id: practiceId, name: dto.practiceName, slug: dto.practiceSlug, timezone: dto.timezone });
      await tx.em.insert(Practice, practice);
      const user = tx.em.create(User, {
        id: newId(),
        practiceId,
        email: dto.email.toLowerCase(),
        name: dto.name,
        role: 'owner',
        timezone: dto.timezone,
        quietHours: null,
        passwordHash,
        clientId: null,
      });
      await tx.em.insert(User, user);
      const ctx: AuthContext = { practiceId, userId: user.id, role: 'owner', clientId: null, apiKeyId: null };
      await this.audit.record(tx, ctx, 'create', 'practice', practiceId, created({ name: practice.name, slug: practice.slug, timezone: practice.timezone }));
      await this.audit.record(tx, ctx, 'create', 'user', user.id, created({ email: user.email, name: user.name, role: user.role }));
      const saved = await tx.em.findOneByOrFail(Practice, { id: practiceId });
      const savedUser = await tx.em.findOneByOrFail(User, { id: user.id, practiceId });
      return {
        accessToken: this.tokens.accessToken(savedUser),
        refreshToken: await this.tokens.issueRefresh(tx, user.id),
        user: toUserDto(savedUser),
        practice: toPracticeDto(saved),
      };
    });
  }

  /** Same 401 for an unknown practice, email or wrong password; attempts counted per account until one succeeds. */
  async login(dto: LoginDto): Promise<SessionDto> {
    const email = dto.email.toLowerCase();
    const account = `${dto.practice.toLowerCase()}:${email}`;
    // Counted before the password is checked: of many guesses at once, no more than the limit are checked.
    await this.limits.takeLoginAttempt(account);
    const practiceId = await this.crossPractice.practiceIdBySlug(dto.practice);
    const user = practiceId ? await this.db.run(practiceId, (tx) => tx.em.findOneBy(User, { practiceId, email })) : null;
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), dto.password);
    // A deactivated account (its client archived) answers as a wrong password does.
    if (!user || !ok || !practiceId || user.deactivatedAt) {
      throw invalidCredentials();
    }
    await this.limits.loginSucceeded(account);
    return this.db.run(practiceId, async (tx) => ({
      accessToken: this.tokens.accessToken(user),
      refreshToken: await this.tokens.issueRefresh(tx, user.id),
      user: toUserDto(user),
    }));
  }

  /** Rotates a refresh token; presenting a spent one revokes every token of that login. */
  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const practiceId = practiceOfSecret('crt', refreshToken);
    if (!practiceId) throw new Unauthenticated('The refresh token is not valid.');
    const result = await this.db.run(practiceId, async (tx) => {
      const spent = await this.tokens.spend(tx, refreshToken);
      if (!spent || spent === 'reused') return spent;
      const user = await tx.em.findOneBy(User, { id: spent.userId, practiceId, deactivatedAt: IsNull() });
      if (!user) return null;
      return { accessToken: this.tokens.accessToken(user), refreshToken: await this.tokens.issueRefresh(tx, user.id, spent.familyId) };
    });
    // The revocation above is committed before we answer.
    if (result === 'reused') throw new Unauthenticated('This refresh token was already used; every token of this login is revoked.');
    if (!result) throw new Unauthenticated('The refresh token is not valid.');
    return result;
  }

  /** Ends the login the refresh token belongs to, if it is the caller's. */
  async logout(ctx: AuthContext, refreshToken: string): Promise<void> {
    // Logging out ends a user's sign-in; an API key has none (it is deleted instead).
    if (ctx.apiKeyId || !ctx.userId) throw new Forbidden('An API key does not sign in or out; delete it instead.');
    if (practiceOfSecret('crt', refreshToken) !== ctx.practiceId) return;
    await this.db.run(ctx.practiceId, async (tx) => {
      const fam = await this.tokens.familyOf(tx, refreshToken);
      if (fam && fam.userId === ctx.userId) await this.tokens.revokeFamily(tx, fam.familyId);
    });
  }
}
