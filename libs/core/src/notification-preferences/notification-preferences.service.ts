import { Injectable } from '@nestjs/common';
import { AuthContext, Forbidden, InvalidInput, NotFound } from '@app/common';
import { TenantDb, TenantTx } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { KindSettingsDto, NotificationPreferencesDto, UnsubscribedDto, UpdateNotificationPreferencesDto } from './dto/notification-preferences.dto';
import { ALWAYS_EMAILED, DIGESTED_KINDS, isPreferenceKind, PREFERENCE_KINDS, PreferenceKind } from './notification-kinds';
import type { NotificationPreference } from './notification-preference.entity';
import { NotificationPreferencesRepository, PreferenceOwner } from './notification-preferences.repository';
import { UnsubscribeTokens } from './unsubscribe-token';

const settings = (off: readonly string[]): KindSettingsDto => Object.fromEntries(PREFERENCE_KINDS.map((k) => [k, !off.includes(k)])) as unknown as KindSettingsDto;

const toDto = (p: NotificationPreference | null): NotificationPreferencesDto => ({
  email: settings((p?.emailOff ?? []).filter((k) => !ALWAYS_EMAILED.includes(k as PreferenceKind))),
  inApp: settings(p?.inAppOff ?? []),
  digest: p?.digest ?? 'off',
  digestTime: p?.digestTime ?? '08:00',
});

/** The kinds turned off after applying a PUT's switches (kinds left out keep their setting). */
function applySwitches(off: readonly string[], switches: object | undefined): string[] {
  const next = new Set(off);
  for (const [k, on] of Object.entries(switches ?? {})) {
    if (on === undefined) continue;
    if (on) next.delete(k);
    else next.add(k);
  }
  return PREFERENCE_KINDS.filter((k) => next.has(k));
}

/** Who a link's token names, as the page shows them. */
export interface UnsubscribeTarget {
  kind: string;
  email: string;
  /** False for kinds that cannot be turned off (assessment alerts). */
  canStop: boolean;
}

/** A recipient's notification choices: the caller's own through the API, and one-click unsubscribe links. */
@Injectable()
export class NotificationPreferencesService {
  constructor(
    private readonly db: TenantDb,
    private readonly repo: NotificationPreferencesRepository,
    private readonly audit: AuditService,
    private readonly tokens: UnsubscribeTokens,
  ) {}

  get(ctx: AuthContext): Promise<NotificationPreferencesDto> {
    const userId = this.userOf(ctx);
    return this.db.run(ctx.practiceId, async (tx) => toDto(await this.repo.find(tx, { userId })));
  }

  update(ctx: AuthContext, dto: UpdateNotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    const userId = this.userOf(ctx);
    for (const k of ALWAYS_EMAILED) {
      if (dto.email?.[k] === false) throw new InvalidInput(`Email of ${k} cannot be turned off.`, [{ path: `email.${k}`, message: `email of ${k} cannot be turned off` }]);
    }
    return this.db.run(ctx.practiceId, async (tx) => {
      const before = toDto(await this.repo.find(tx, { userId }));
      const current = await this.repo.find(tx, { userId });
      const next = {
        emailOff: applySwitches(current?.emailOff ?? [], dto.email),
        inAppOff: applySwitches(current?.inAppOff ?? [], dto.inApp),
        digest: dto.digest ?? before.digest,
        digestTime: dto.digestTime ?? before.digestTime,
      };
      await this.repo.save(tx, { userId }, next);
      const after = toDto(await this.repo.find(tx, { userId }));
      const changes = changed(before, after);
      if (Object.keys(changes).length) await this.audit.record(tx, ctx, 'update', 'notification_preferences', userId, changes);
      return after;
    });
  }

  /** What an unsubscribe link would stop, for its confirmation page; 404 for a token that is not ours or whose recipient is gone. */
  describe(token: string): Promise<UnsubscribeTarget> {
    const s = this.subject(token);
    return this.db.run(s.practiceId, async (tx) => {
      const { email } = await this.recipient(tx, s.recipient);
      return { kind: s.kind, email, canStop: stoppable(s.kind).length > 0 };
    });
  }

  /**
   * One-click unsubscribe (RFC 8058): that recipient gets no more email of the token's kind. Repeating
   * it changes nothing more. Audited as done by the account, or by the system for a client without
   * one (the link is the only credential). Undone by turning the kind back on in the preferences.
   */
  unsubscribe(token: string): Promise<UnsubscribedDto> {
    const s = this.subject(token);
    return this.db.run(s.practiceId, async (tx) => {
      const { owner } = await this.recipient(tx, s.recipient);
      const kinds = stoppable(s.kind);
      if (!kinds.length) return { kind: s.kind, unsubscribed: false };
      const changes: Record<string, unknown> = {};
      for (const k of kinds) if (await this.repo.turnEmailOff(tx, owner, k)) changes[`email.${k}`] = { from: true, to: false };
      if (Object.keys(changes).length) {
        const actor: AuthContext | 'system' = owner.userId ? { practiceId: tx.practiceId, userId: owner.userId, role: 'client', clientId: null, apiKeyId: null } : 'system';
        await this.audit.record(tx, actor, 'unsubscribe', 'notification_preferences', owner.userId ?? owner.clientId!, { ...changes, via: 'one-click link' });
      }
      return { kind: s.kind, unsubscribed: true };
    });
  }

  /** A link's token for one recipient and kind (what every email carries). */
  tokenFor(practiceId: string, recipient: PreferenceOwner, kind: string): string {
    return this.tokens.sign({ practiceId, recipient, kind });
  }

  private subject(token: string) {
    const s = this.tokens.verify(token);
    if (!s) throw new NotFound('Unsubscribe link');
    return s;
  }

  /**
   * The recipient a token names, now: a client who has since taken up an account is that account (their
   * choices moved with them). Gone (deleted, or an archived client) → 404.
   */
  private async recipient(tx: TenantTx, r: PreferenceOwner): Promise<{ owner: PreferenceOwner; email: string }> {
    if (r.userId) {
      const u = await this.repo.user(tx, r.userId);
      if (!u) throw new NotFound('Unsubscribe link');
      return { owner: { userId: u.id }, email: u.email };
    }
    const c = await this.repo.client(tx, r.clientId!);
    if (!c) throw new NotFound('Unsubscribe link');
    if (c.user_id) return this.recipient(tx, { userId: c.user_id });
    return { owner: { clientId: c.id }, email: c.email };
  }

  private userOf(ctx: AuthContext): string {
    if (!ctx.userId) throw new Forbidden('Notification preferences belong to a user; an API key has none.');
    return ctx.userId;
  }
}

/** The kinds of email a link of this kind stops: its own, or (a digest's link) every kind a digest gathers; none that cannot be turned off. */
function stoppable(kind: string): PreferenceKind[] {
  if (kind === 'digest') return [...DIGESTED_KINDS];
  return isPreferenceKind(kind) && !ALWAYS_EMAILED.includes(kind) ? [kind] : [];
}

function changed(before: NotificationPreferencesDto, after: NotificationPreferencesDto): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const channel of ['email', 'inApp'] as const) {
    for (const k of PREFERENCE_KINDS) if (before[channel][k] !== after[channel][k]) out[`${channel}.${k}`] = { from: before[channel][k], to: after[channel][k] };
  }
  if (before.digest !== after.digest) out.digest = { from: before.digest, to: after.digest };
  if (before.digestTime !== after.digestTime) out.digestTime = { from: before.digestTime, to: after.digestTime };
  return out;
}
