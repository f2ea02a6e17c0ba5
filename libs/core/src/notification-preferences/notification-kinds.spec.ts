// The kinds and their rules are written once (notification-kinds.ts): every other place that names
// kinds either derives from it or is checked against it here, so a kind added in one place only fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { DATABASE_FUNCTIONS_DIR } from '@app/database';
import { NOTIFICATION_KINDS } from '../notifications/notification.entity';
import { KindSettingsDto, KindSwitchesDto } from './dto/notification-preferences.dto';
import { ALWAYS_EMAILED, DIGESTED_KINDS, NEVER_HELD, PREFERENCE_KINDS, PreferenceKind } from './notification-kinds';

const REPO = join(__dirname, '..', '..', '..', '..');
const source = (path: string) => readFileSync(join(REPO, path), 'utf8');
const quoted = (text: string, kind: string) => text.split(`'${kind}'`).length - 1;

// Compile-time: the settings DTO (what GET returns, and the OpenAPI schema the portal's types come from) has exactly the kinds.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const settingsHaveEveryKind: Same<keyof KindSettingsDto, PreferenceKind> = true;
const switchesHaveEveryKind: Same<keyof KindSwitchesDto, PreferenceKind> = true;

describe('the kinds of notification, written once', () => {
  it('the preferences name every kind a notification may have but the digest itself, in the same order', () => {
    expect(settingsHaveEveryKind && switchesHaveEveryKind).toBe(true);
    expect(NOTIFICATION_KINDS.filter((k) => k !== 'digest')).toEqual([...PREFERENCE_KINDS]);
  });

  it('every kind is validated in a PUT (a kind without its switch would be rejected as unknown)', () => {
    const validated = new Set(getMetadataStorage().getTargetValidationMetadatas(KindSwitchesDto, '', true, false).map((m) => m.propertyName));
    expect([...validated].sort()).toEqual([...PREFERENCE_KINDS].sort());
  });

  it('the rules name only kinds there are; the digest holds every kind but those never held', () => {
    for (const k of [...ALWAYS_EMAILED, ...NEVER_HELD]) expect(PREFERENCE_KINDS).toContain(k);
    expect([...DIGESTED_KINDS, ...NEVER_HELD].sort()).toEqual([...PREFERENCE_KINDS].sort());
    expect(DIGESTED_KINDS.filter((k) => NEVER_HELD.includes(k))).toEqual([]);
  });

  it('the delivery’s SQL names no kind but the session its reminders join: the lists reach it as parameters', () => {
    const sql = readFileSync(join(DATABASE_FUNCTIONS_DIR, 'app_notification_mail_details.sql'), 'utf8');
    const named = NOTIFICATION_KINDS.filter((k) => quoted(sql, k) > 0);
    expect(named).toEqual(['session_reminder']);
    expect(sql.match(/'session_reminder'[^\n]*/g)).toEqual(["'session_reminder' AND s.practice_id = n.practice_id AND s.id = n.subject_id;"]);
    expect(sql).toMatch(/p_always_emailed text\[\], p_digested text\[\]/);
  });

  it('the delivery passes the lists from this file', () => {
    const repo = source('libs/core/src/notifications/delivery/delivery.repository.ts');
    expect(repo).toMatch(/alwaysEmailed: ALWAYS_EMAILED, digested: DIGESTED_KINDS/);
  });

  it('the portal’s settings page labels every kind and takes the rules from this file, without a list of its own', () => {
    const page = source('apps/portal/src/pages/shared/NotificationSettingsPage.tsx');
    expect(page).toMatch(/import \{[^}]*\bALWAYS_EMAILED\b[^}]*\bNEVER_HELD\b[^}]*\} from '(\.\.\/)+libs\/core\/src\/notification-preferences\/notification-kinds'/);
    // No kind written as a string anywhere on the page: a list of kinds there would be a second copy.
    expect(PREFERENCE_KINDS.filter((k) => quoted(page, k) > 0)).toEqual([]);
    const labelled = [...page.matchAll(/^ {2}([a-z_]+): \{ label: /gm)].map((m) => m[1]);
    expect(labelled).toEqual([...PREFERENCE_KINDS]);
  });

  it('stays free of imports, so the portal can bundle it', () => {
    expect(source('libs/core/src/notification-preferences/notification-kinds.ts')).not.toMatch(/^\s*import\b/m);
  });
});
